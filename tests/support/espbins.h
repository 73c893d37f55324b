/* The Espressif-format bins the tests run on, in two sets with the same
 * shape: one generated in the build by tests/support/espbins_gen.py, always
 * there, and Espressif's own AT bins in ../shared/fixtures/esp8266, when
 * that directory is beside the project. A test program built with
 * ABOTA_TEST_ESPRESSIF runs on the second set; without it, it exits 77,
 * which ctest reports as Skipped, never as passed. */
#ifndef ABOTA_TEST_ESPBINS_H
#define ABOTA_TEST_ESPBINS_H

#include <stddef.h>
#include <stdint.h>

struct espbins_seg {
    uint32_t load, len;
};

/* A "new" (v2, 0xEA) user bin and what its fact sheet says about it. */
struct espbins_userbin {
    const char *name; /* relative to the set's directory */
    uint32_t size;
    uint8_t userbin;
    uint32_t entry;
    uint32_t irom_len;
    struct espbins_seg seg[3];
    uint8_t size_map;
    uint8_t xor;
    uint32_t crc_body; /* CRC-32 of every byte but the trailer */
    uint32_t trailer;
    const char *sha256; /* of the whole file, lower-case hex */
};

/* A plain 0xE9 image: no CRC trailer, the checksum byte is its last. */
struct espbins_plain {
    const char *name;
    uint32_t size;
};

enum {
    ESPBINS_1024_USER1, /* size map 5 (1024+1024) */
    ESPBINS_1024_USER2,
    ESPBINS_512_USER1,  /* size map 2 (512+512): each linked for its slot */
    ESPBINS_512_USER2,
    ESPBINS_USERBINS
};

#define ESPBINS_MAX_PLAIN 4

struct espbins {
    const char *what; /* for messages */
    const char *dir;
    struct espbins_userbin user[ESPBINS_USERBINS];
    struct espbins_plain plain[ESPBINS_MAX_PLAIN];
    size_t nplain;
    const char *blank;    /* 4096 bytes of 0xFF */
    const char *phy_init; /* 128 bytes of PHY init data: not an image */
};

/* The generated set; when it is missing this fails the test (exit 2). */
const struct espbins *espbins_generated(void);

/* Espressif's own bins; when they are missing this prints why and exits 77. */
const struct espbins *espbins_espressif(void);

/* dir "/" name of a file of the set (a static buffer, until the next call). */
const char *espbins_path(const struct espbins *s, const char *name);

/* The set this program tests (see the top of this file). Call it first in
 * main() so a skipped program runs nothing. */
static inline const struct espbins *espbins_tested(void)
{
#ifdef ABOTA_TEST_ESPRESSIF
    return espbins_espressif();
#else
    return espbins_generated();
#endif
}

#endif
