/* Flash files for `abota flash` and `abota sim`: the POSIX flash port with
 * a layout's geometry. */
#ifndef ABOTA_SIM_FLASH_H
#define ABOTA_SIM_FLASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abota/layout.h"
#include "abota/port_posix.h"

struct sim_flash {
    struct abota_posix_flash pf;
};

/* Opens path as the flash of layout l; create: a new erased file (replacing
 * any old one). Returns 0, or an abota error after one message prefixed
 * with who that says why (the system's reason; for a file of another size,
 * both sizes and a layout that fits). */
int sim_flash_open(struct sim_flash *sf, const char *who, const char *path,
                   const struct abota_layout *l,
                   bool create);
const struct abota_flash *sim_flash_port(struct sim_flash *sf);
/* Syncs and closes. Returns 0 or an abota error. */
int sim_flash_close(struct sim_flash *sf);

#endif
