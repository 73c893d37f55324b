#include "fileflash.h"

#include <limits.h>
#include <string.h>

#include "abota/error.h"

static int ff_read(void *ctx, uint32_t addr, void *buf, size_t len)
{
    struct fileflash *ff = ctx;
    if (addr > ff->port.size || len > ff->port.size - addr)
        return ABOTA_ERR_FLASH_BOUNDS;
    if (fseek(ff->fp, (long)addr, SEEK_SET) != 0)
        return ABOTA_ERR_FLASH_READ;
    if (fread(buf, 1, len, ff->fp) != len)
        return ABOTA_ERR_FLASH_READ;
    ff->reads++;
    if (len > ff->max_read)
        ff->max_read = len;
    return 0;
}

int fileflash_open(struct fileflash *ff, const char *path)
{
    long size;
    memset(ff, 0, sizeof *ff);
    ff->fp = fopen(path, "rb");
    if (!ff->fp)
        return ABOTA_ERR_IO;
    if (fseek(ff->fp, 0, SEEK_END) != 0 || (size = ftell(ff->fp)) < 0)
        goto fail;
#if LONG_MAX > 0xFFFFFFFFL
    if (size > 0xFFFFFFFFL)
        goto fail; /* the flash API is 32-bit */
#endif
    ff->port.ctx = ff;
    ff->port.read = ff_read;
    ff->port.size = (uint32_t)size;
    ff->port.sector_size = 4096;
    ff->port.write_align = 4;
    return 0;
fail:
    fclose(ff->fp);
    ff->fp = NULL;
    return ABOTA_ERR_IO;
}

void fileflash_close(struct fileflash *ff)
{
    if (ff->fp)
        fclose(ff->fp);
    ff->fp = NULL;
}
