#include "sim_flash.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "abota/error.h"
#include "abota/port_posix.h"

/* A built-in layout whose flash is size bytes, or NULL. */
static const struct abota_layout *layout_of_size(long long size)
{
    for (unsigned i = 0; abota_layout_at(i); i++)
        if (abota_layout_at(i)->flash_size == size)
            return abota_layout_at(i);
    const struct abota_layout *big = abota_posix_layout_find("sim-8m");
    return big && big->flash_size == size ? big : NULL;
}

int sim_flash_open(struct sim_flash *sf, const char *who, const char *path,
                   const struct abota_layout *l, bool create)
{
    memset(sf, 0, sizeof *sf);
    int rc = abota_posix_flash_open(&sf->pf, path, l->flash_size, l->sector_size,
                                    l->write_align, create ? (int)ABOTA_POSIX_FLASH_CREATE : 0);
    struct stat st;
    if (rc == ABOTA_ERR_IO) {
        fprintf(stderr, "%s: %s: %s\n", who, path, strerror(errno));
    } else if (rc == ABOTA_ERR_FLASH_SIZE && stat(path, &st) == 0) {
        const struct abota_layout *fits = layout_of_size((long long)st.st_size);
        fprintf(stderr, "%s: %s is %lld bytes, the flash of layout %s is %lu bytes%s%s%s\n", who,
                path, (long long)st.st_size, l->name, (unsigned long)l->flash_size,
                fits ? ": try --layout " : "", fits ? fits->name : "",
                fits ? "" : " (no built-in layout has that size)");
    } else if (rc < 0) {
        fprintf(stderr, "%s: %s: %s\n", who, path, abota_strerror(rc));
    }
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
