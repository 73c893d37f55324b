#include "espbins.h"

#include <stdio.h>
#include <stdlib.h>

#ifndef ABOTA_SHARED_DIR
#define ABOTA_SHARED_DIR "../shared"
#endif
#ifndef ABOTA_ESPBINS_DIR
#define ABOTA_ESPBINS_DIR "fixtures/esp8266"
#endif

/* What tests/support/espbins_gen.py writes (its --table prints these). */
static const struct espbins generated = {
    .what = "the generated bins",
    .dir = ABOTA_ESPBINS_DIR,
    .user = {
        {"gen-1024+1024/user1.2048.new.5.bin", 41988, 1, 0x40100C30, 0x7A30,
         {{0x40100000, 0x1A48}, {0x3FFE8000, 0x2C4}, {0x3FFE82D0, 0xC90}}, 5, 0xBA,
         0x734AD446, 0x734AD447,
         "25d690c0045b4224625088d432f44ca3a73a7715f297c798aad4cb848a8e1608"},
        {"gen-1024+1024/user2.2048.new.5.bin", 41988, 2, 0x40100C30, 0x7A30,
         {{0x40100000, 0x1A48}, {0x3FFE8000, 0x2C4}, {0x3FFE82D0, 0xC90}}, 5, 0xB8,
         0xC6001BE5, 0x39FFE41A,
         "3ed68400c36d244e45883530cd08b262cc27f9075543ba6efabc04439bb2a656"},
        {"gen-512+512/user1.1024.new.2.bin", 37956, 1, 0x40100C30, 0x6CA0,
         {{0x40100000, 0x1B24}, {0x3FFE8000, 0x290}, {0x3FFE8290, 0x9B0}}, 2, 0x4E,
         0x70634F43, 0x70634F44,
         "9563b85e0bf585ea3af212ed915a16d4749bda1af2703cc3b4398e1d49b10988"},
        {"gen-512+512/user2.1024.new.2.bin", 37956, 2, 0x40100C30, 0x6CA0,
         {{0x40100000, 0x1B24}, {0x3FFE8000, 0x290}, {0x3FFE8290, 0x9B0}}, 2, 0x4D,
         0xEF00023A, 0x10FFFDC5,
         "c108a8bd0c539212289247b9904de8256caab43ea2c7ccbf2b6ebb0a0b458e41"},
    },
    .plain = {{"e9-pad3.bin", 2304}, {"e9-pad7.bin", 2304}, {"e9-pad11.bin", 2304},
              {"e9-pad15.bin", 2304}},
    .nplain = 4,
    .blank = "blank.bin",
    .phy_init = "phy_init.bin",
};

/* The fact sheet's table (../shared/fixtures/esp8266/README.md). */
static const struct espbins espressif = {
    .what = "Espressif's bins",
    .dir = ABOTA_SHARED_DIR "/fixtures/esp8266",
    .user = {
        {"at-1024+1024/user1.2048.new.5.bin", 446196, 1, 0x40102DC0, 0x61F20,
         {{0x40100000, 0x6848}, {0x3FFE8000, 0x8C4}, {0x3FFE88D0, 0x3E90}}, 5, 0x6F,
         0xAFA7749F, 0x50588B60,
         "0414723ed18c14946022ecd9707241940901eb784ffed803b3be5f1dee4edaa9"},
        {"at-1024+1024/user2.2048.new.5.bin", 446196, 2, 0x40102DC0, 0x61F20,
         {{0x40100000, 0x6848}, {0x3FFE8000, 0x8C4}, {0x3FFE88D0, 0x3E90}}, 5, 0x6F,
         0x821BA71C, 0x7DE458E3,
         "132a8b321059ee95c9aa4ab2c63af6c50efbe77edfc92b6be3851c73843a61fb"},
        {"at-512+512/user1.1024.new.2.bin", 396900, 1, 0x40102DC0, 0x565E0,
         {{0x40100000, 0x6924}, {0x3FFE8000, 0x890}, {0x3FFE8890, 0x3690}}, 2, 0x8C,
         0x74A62BB3, 0x74A62BB4,
         "3040890680ba1071c1791eeb371b5f83609bc98383b47fe7e378db9a9e18c681"},
        {"at-512+512/user2.1024.new.2.bin", 396900, 2, 0x40102DC0, 0x565E0,
         {{0x40100000, 0x6924}, {0x3FFE8000, 0x890}, {0x3FFE8890, 0x3690}}, 2, 0x8C,
         0x8F20514B, 0x70DFAEB4,
         "0022d612fbae82874fbb1e4362e7811a22d00b8774a3946bd3782faedc740dda"},
    },
    .plain = {{"boot_v1.2.bin", 1936}, {"boot_v1.6.bin", 3856}, {"boot_v1.7.bin", 4080}},
    .nplain = 3,
    .blank = "blank.bin",
    .phy_init = "esp_init_data_default_v08.bin",
};

static char path_buf[512];

const char *espbins_path(const struct espbins *s, const char *name)
{
    snprintf(path_buf, sizeof path_buf, "%s/%s", s->dir, name);
    return path_buf;
}

/* The set, once its first user bin opens; else the reason and exit(status). */
static const struct espbins *present(const struct espbins *s, int status, const char *why)
{
    FILE *fp = fopen(espbins_path(s, s->user[0].name), "rb");
    if (!fp) {
        printf("%s: %s is missing: %s\n", status == 77 ? "SKIP" : "FATAL", path_buf, why);
        exit(status);
    }
    fclose(fp);
    return s;
}

const struct espbins *espbins_generated(void)
{
    return present(&generated, 2, "the build writes it (tests/support/espbins_gen.py)");
}

const struct espbins *espbins_espressif(void)
{
    return present(&espressif, 77,
                   "Espressif's bins are test data beside the project "
                   "(../shared/fixtures/esp8266), not part of it");
}
