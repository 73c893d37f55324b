/* Stage 2: copy the image's RAM segments, map its flash window, jump.
 *
 * This code runs at its link address 0x4010F000 after main.c copied it
 * there. It must not call anything outside .stage2.text except the ROM (at
 * fixed addresses): the loader's .text and .data are overwritten by the
 * segments it copies. Its literals sit in the same section
 * (-mtext-section-literals); its buffer is on the ROM's stack, at the top of
 * DRAM, above anything an application loads.
 *
 * Image layout read here (docs/IMAGE_FORMAT.md, fixtures README):
 *   0xEA v2: [EA 04 00 n][entry][0][irom_len L] irom0 (L bytes), then a 0xE9 image
 *   0xE9:    [E9 count mode size|freq][entry] then count x ([addr][len] data)
 *
 * Flash window: Cache_Read_Enable(odd_even, mb_count, 1) maps megabyte
 * 2*mb_count + odd_even of the flash at 0x40200000. An SDK app links irom0
 * at 0x40201010 (user1 at 0x1000; 1024+1024 user2 at 0x101000, window MB 1)
 * or 0x40281010 (512+512 user2 at 0x81000, window MB 0), so the window is
 * the megabyte that holds the image: odd_even = (image >> 20) & 1,
 * mb_count = image >> 21. That gives (0, 0) for 0x1000 and 0x81000 and
 * (1, 0) for 0x101000. */
#include "stage2.h"

#include "rom.h"

#define STAGE2 __attribute__((section(".stage2.text"), noinline))

#define IRAM_START 0x40100000u
#define DRAM_START 0x3FFE8000u
#define DRAM_END 0x3FFFC000u /* the ROM's own data and stack lie above */
#define CHUNK_WORDS 64u

/* 0 when [addr, addr+len) is RAM an application may load, outside stage 2. */
STAGE2 static int dest_ok(uint32_t addr, uint32_t len)
{
    uint32_t s2 = (uint32_t)(uintptr_t)_stage2_vma;
    if ((addr | len) & 3u)
        return -1;
    if (addr >= IRAM_START && addr <= s2 && len <= s2 - addr)
        return 0;
    if (addr >= DRAM_START && addr <= DRAM_END && len <= DRAM_END - addr)
        return 0;
    return -1;
}

STAGE2 void abota_loader_stage2(uint32_t image)
{
    uint32_t buf[CHUNK_WORDS];
    uint32_t off = image;
    if (SPIRead(off, buf, 16) != 0)
        return;
    if ((buf[0] & 0xFFFFu) == 0x04EAu) /* skip the irom0 block (it runs from flash) */
        off += 16u + buf[3];
    if (SPIRead(off, buf, 8) != 0 || (buf[0] & 0xFFu) != 0xE9u)
        return;
    uint32_t count = (buf[0] >> 8) & 0xFFu;
    uint32_t entry = buf[1];
    off += 8u;
    while (count--) {
        if (SPIRead(off, buf, 8) != 0)
            return;
        volatile uint32_t *dst = (volatile uint32_t *)(uintptr_t)buf[0];
        uint32_t len = buf[1];
        if (dest_ok(buf[0], len) < 0)
            return;
        off += 8u;
        while (len > 0) {
            uint32_t n = len < 4u * CHUNK_WORDS ? len : 4u * CHUNK_WORDS;
            if (SPIRead(off, buf, n) != 0)
                return;
            for (uint32_t i = 0; i < n / 4u; i++) /* IRAM takes 32-bit stores only */
                *dst++ = buf[i];
            off += n;
            len -= n;
        }
    }

    /* Map the window and start the application: Cache_Read_Enable returns
     * through a0, which holds the entry, so nothing runs from IRAM above
     * 0x40108000 (cache from now on) after the call. */
    register uint32_t a2 __asm__("a2") = (image >> 20) & 1u;
    register uint32_t a3 __asm__("a3") = image >> 21;
    register uint32_t a4 __asm__("a4") = 1u;
    register uint32_t a5 __asm__("a5") = (uint32_t)(uintptr_t)Cache_Read_Enable;
    register uint32_t a6 __asm__("a6") = entry;
    __asm__ volatile("mov a0, a6\n\tjx a5" : : "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a6)
                     : "memory");
    __builtin_unreachable();
}
