#include "abota/layout.h"

#include <stddef.h>
#include <string.h>

#include "abota/error.h"

/* ESP8266 layouts (fixtures README, "Flash layout per size map"). Each slot
 * is the SDK's largest user bin (RTOS SDK *_MAX_SECTOR): 250 sectors in
 * 1024+1024, 122 in 512+512. That leaves six sectors between user1's end and
 * user2's start, which no SDK area uses in these maps (RF calibration, PHY
 * init and system parameters sit at the end of the chip); the boot records
 * take the first two of them and the update engine's progress journal the
 * third. Sector 0 keeps the bootloader. */
static const struct abota_layout builtin[] = {
    {
        .name = "esp8266-1024+1024",
        .flash_size = 0x200000u,
        .sector_size = 0x1000u,
        .write_align = 4u,
        .slot = {{0x001000u, 0x0FA000u}, {0x101000u, 0x0FA000u}},
        .bootrec = {0x0FB000u, 0x0FC000u},
        .journal = 0x0FD000u,
    },
    {
        .name = "esp8266-512+512",
        .flash_size = 0x100000u,
        .sector_size = 0x1000u,
        .write_align = 4u,
        .slot = {{0x001000u, 0x07A000u}, {0x081000u, 0x07A000u}},
        .bootrec = {0x07B000u, 0x07C000u},
        .journal = 0x07D000u,
    },
};

static const struct {
    const char *alias;
    unsigned index;
} aliases[] = {
    {"esp8266-2m", 0},
    {"esp8266-1m", 1},
};

const struct abota_layout *abota_layout_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++)
        if (strcmp(builtin[i].name, name) == 0)
            return &builtin[i];
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcmp(aliases[i].alias, name) == 0)
            return &builtin[aliases[i].index];
    return NULL;
}

const struct abota_layout *abota_layout_at(unsigned i)
{
    return i < sizeof builtin / sizeof builtin[0] ? &builtin[i] : NULL;
}

const struct abota_region *abota_layout_slot(const struct abota_layout *l, int slot)
{
    if (!l || (slot != ABOTA_SLOT_1 && slot != ABOTA_SLOT_2))
        return NULL;
    return &l->slot[slot - 1];
}

int abota_slot_other(int slot)
{
    return slot == ABOTA_SLOT_1 ? ABOTA_SLOT_2 : slot == ABOTA_SLOT_2 ? ABOTA_SLOT_1 : 0;
}

static int is_pow2(uint32_t v)
{
    return v != 0 && (v & (v - 1)) == 0;
}

static int overlap(struct abota_region a, struct abota_region b)
{
    return a.offset < b.offset + b.size && b.offset < a.offset + a.size;
}

int abota_layout_check(const struct abota_layout *l)
{
    if (!l)
        return ABOTA_ERR_ARG;
    if (!is_pow2(l->sector_size) || !is_pow2(l->write_align) ||
        l->write_align > l->sector_size || l->flash_size == 0 ||
        (l->flash_size % l->sector_size) != 0)
        return ABOTA_ERR_LAYOUT_GEOMETRY;

    /* Sector 0 (the bootloader), both slots, both boot-record sectors, the
     * journal sector when there is one (0: none). */
    struct abota_region r[6] = {
        {0, l->sector_size},
        l->slot[0],
        l->slot[1],
        {l->bootrec[0], l->sector_size},
        {l->bootrec[1], l->sector_size},
        {l->journal, l->sector_size},
    };
    const int n = l->journal ? 6 : 5;
    for (int i = 0; i < n; i++) {
        if (r[i].size == 0 || (r[i].offset % l->sector_size) != 0 ||
            (r[i].size % l->sector_size) != 0)
            return ABOTA_ERR_LAYOUT_ALIGN;
        if (r[i].offset > l->flash_size || r[i].size > l->flash_size - r[i].offset)
            return ABOTA_ERR_LAYOUT_BOUNDS;
    }
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (overlap(r[i], r[j]))
                return ABOTA_ERR_LAYOUT_OVERLAP;
    return 0;
}
