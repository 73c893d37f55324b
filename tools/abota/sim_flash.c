#include "sim_flash.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abota/error.h"

int sim_flash_open(struct sim_flash *sf, const char *path, const struct abota_layout *l,
                   bool create)
{
    memset(sf, 0, sizeof *sf);
    int rc = abota_posix_flash_open(&sf->pf, path, l->flash_size, l->sector_size,
                                    l->write_align, create ? (int)ABOTA_POSIX_FLASH_CREATE : 0);
    if (rc == ABOTA_ERR_IO)
        fprintf(stderr, "abota: %s: %s\n", path, strerror(errno));
    return rc;
}

const struct abota_flash *sim_flash_port(struct sim_flash *sf)
{
    return &sf->pf.port;
}

int sim_flash_close(struct sim_flash *sf)
{
    int rc = abota_posix_flash_sync(&sf->pf);
    abota_posix_flash_close(&sf->pf);
    return rc;
}

uint8_t *sim_read_file(const char *path, size_t max, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        fprintf(stderr, "abota: %s: %s\n", path, strerror(errno));
        return NULL;
    }
    uint8_t *buf = malloc(max + 1);
    if (!buf) {
        fclose(fp);
        fprintf(stderr, "abota: out of memory\n");
        return NULL;
    }
    size_t n = fread(buf, 1, max + 1, fp);
    int err = ferror(fp);
    fclose(fp);
    if (err) {
        fprintf(stderr, "abota: %s: read error\n", path);
        free(buf);
        return NULL;
    }
    if (n > max) {
        fprintf(stderr, "abota: %s: larger than %zu bytes (the slot)\n", path, max);
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}
