/* Cache_Read_Enable_New for firmware started by abota's loader.
 *
 * The SDK's startup code calls Cache_Read_Enable_New() to map the flash
 * window that holds the running image at 0x40200000. The SDK's own version
 * (in libmain) follows Espressif's boot information, which abota's loader
 * does not write; this one maps the window of the image the loader started,
 * which the loader leaves in RTC memory (src/loader/esp8266/handoff.h). To
 * use it, weaken the SDK's symbol (objcopy -W Cache_Read_Enable_New
 * libmain.a) and keep this object in IRAM: it runs before the cache is on
 * (docs/PORTING.md). Not needed with Espressif's boot.bin. */
#include <stdint.h>

#include "../../loader/esp8266/handoff.h"
#include "sdk/esp8266_sdk.h"

/* The ROM's flash cache mapping; the SDK's linker script gives its address
 * (eagle.rom.addr.v6.ld) but no SDK header declares it. */
void Cache_Read_Enable(uint8 odd_even, uint8 mb_count, uint8 no_idea);
void Cache_Read_Enable_New(void);

void Cache_Read_Enable_New(void)
{
    uint32_t image = 0x1000u; /* no hand-off (not started by the loader): user1 */
    if (*(volatile uint32_t *)ABOTA_HANDOFF_MAGIC_ADDR == ABOTA_HANDOFF_MAGIC)
        image = *(volatile uint32_t *)ABOTA_HANDOFF_IMAGE_ADDR;
    /* The megabyte holding the image: odd/even MB, 2 MB block (stage2.c).
     * The last argument is the cache's size: 0 keeps it at 16 KiB
     * (0x4010C000-0x4010FFFF), as libmain's own Cache_Read_Enable_New asks,
     * because the SDK's heap (libfreertos heap_5) also uses the IRAM from
     * the end of .text up to 0x4010C000, which a 32 KiB cache (1) would take
     * over. make esp8266-sdk compares this argument with libmain's. */
    Cache_Read_Enable((image >> 20) & 1u, image >> 21, 0);
}
