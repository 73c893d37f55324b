/* abota's second-stage loader for the ESP8266: the ROM starts it from the
 * 0xE9 image at flash 0x0. It chooses the slot with the boot record
 * (choose.c over the ROM's SPI functions), persists the choice, then hands
 * over to stage 2, which loads the application and starts it. */
#include "abota/boot.h"
#include "abota/layout.h"
#include "choose.h"
#include "handoff.h"
#include "loader_config.h"
#include "rom_flash.h"
#include "stage2.h"
#ifdef ABOTA_LOADER_SIGN_KEY_HEADER
#include ABOTA_LOADER_SIGN_KEY_HEADER /* static const uint8_t abota_sign_key[64] */
#endif

void call_user_start(void) __attribute__((section(".entry.text"), noreturn));

static const struct abota_layout loader_layout = ABOTA_LOADER_LAYOUT_INIT;

void call_user_start(void)
{
    struct abota_flash f;
    abota_loader_rom_flash(&f, loader_layout.flash_size);
    int slot = 0;
    /* A failed record write still leaves a usable choice in slot: boot it;
     * the next boot decides again from what is on flash. */
#if ABOTA_LOADER_VERIFY_CRC32
    enum abota_boot_reason reason;
    (void)abota_loader_choose(&f, &loader_layout, &slot, &reason);
#else
    struct abota_boot_decision d;
#ifdef ABOTA_LOADER_SIGN_KEY_HEADER
    /* Secure boot, built to measure it (make size): only signed images. */
    int chosen = abota_boot_choose_signed(&f, &loader_layout, abota_sign_key, &d);
#else
    int chosen = abota_boot_choose(&f, &loader_layout, &d);
#endif
    if (chosen == 0) {
        (void)abota_boot_apply(&f, &loader_layout, &d);
        slot = d.slot;
    }
#endif
    if (slot == ABOTA_SLOT_1 || slot == ABOTA_SLOT_2) {
        /* Stage 2 to its run address; IRAM takes 32-bit stores only. */
        volatile uint32_t *dst = _stage2_vma;
        for (const uint32_t *src = _stage2_lma; dst < _stage2_vma_end;)
            *dst++ = *src++;
        uint32_t image = loader_layout.slot[slot - 1].offset;
        *(volatile uint32_t *)ABOTA_HANDOFF_IMAGE_ADDR = image;
        *(volatile uint32_t *)ABOTA_HANDOFF_MAGIC_ADDR = ABOTA_HANDOFF_MAGIC;
        abota_loader_stage2(image);
    }
    for (;;) /* nothing bootable: the watchdog resets and the ROM tries again */
        ;
}
