/* What the loader tells the application: the flash address of the image it
 * started, in two words of RTC user memory (kept across the jump; after a
 * power cycle they hold whatever the chip powers up with, and the loader
 * writes them before every start). The ESP8266 port reads them twice: its
 * Cache_Read_Enable_New (src/port/esp8266/esp_cache.c) maps the same 1 MB
 * window the loader mapped, where the SDK's own version would follow
 * Espressif's boot information; abota_esp8266_running_slot
 * (src/port/esp8266/esp_system.c) turns the address into the running slot,
 * which the boot record cannot tell when the loader's record write failed.
 *
 *   RTC block 190  u32  ABOTA_HANDOFF_MAGIC
 *   RTC block 191  u32  image address in flash (slot offset)
 *
 * The SDK's system_rtc_mem_read/write count 4-byte blocks from 0x60001100
 * (0..63 the system's, 64..191 the user's): these are the last two user
 * blocks, which the application must leave alone. */
#ifndef ABOTA_LOADER_HANDOFF_H
#define ABOTA_LOADER_HANDOFF_H

#define ABOTA_HANDOFF_RTC_BLOCK 190u
#define ABOTA_HANDOFF_RTC_BASE 0x60001100u
#define ABOTA_HANDOFF_MAGIC_ADDR (ABOTA_HANDOFF_RTC_BASE + 4u * ABOTA_HANDOFF_RTC_BLOCK)
#define ABOTA_HANDOFF_IMAGE_ADDR (ABOTA_HANDOFF_MAGIC_ADDR + 4u)
#define ABOTA_HANDOFF_MAGIC 0xAB07A5E1u

#endif
