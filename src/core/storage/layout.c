#include "abota/layout.h"

#include <stddef.h>
#include <string.h>

#include "abota/error.h"
#include "abota/layout_esp8266.h"

/* The ESP8266 layouts (abota/layout_esp8266.h, shared with the loader). */
static const struct abota_layout builtin[] = {
    ABOTA_LAYOUT_ESP8266_1024_INIT,
    ABOTA_LAYOUT_ESP8266_512_INIT,
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
