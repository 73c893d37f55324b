/* Layouts for simulated devices: the core's built-in ones, plus larger ones
 * for firmware that only a host produces (a Linux executable built with
 * sanitizers is several MiB, more than an ESP8266 slot). */
#include <stddef.h>
#include <string.h>

#include "abota/layout.h"
#include "abota/port_posix.h"

static const struct abota_layout sim_8m = {
    .name = "sim-8m",
    .flash_size = 0x800000u,
    .sector_size = 0x1000u,
    .write_align = 4u,
    .slot = {{0x001000u, 0x3F0000u}, {0x401000u, 0x3F0000u}},
    .bootrec = {0x3F1000u, 0x3F2000u},
    .journal = 0x3F3000u,
};

const struct abota_layout *abota_posix_layout_find(const char *name)
{
    const struct abota_layout *l = abota_layout_find(name);
    if (l || !name)
        return l;
    return strcmp(name, sim_8m.name) == 0 ? &sim_8m : NULL;
}
