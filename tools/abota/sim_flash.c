#include "sim_flash.h"

#include <errno.h>
#include <stdio.h>
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
