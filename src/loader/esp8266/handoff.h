/* What the loader tells the application: the flash address of the image it
 * started, in two words of RTC user memory (kept across the jump, cleared
 * by a power cycle). The ESP8266 port's Cache_Read_Enable_New
 * (src/port/esp8266/esp_cache.c) reads it to map the same 1 MB window the
 * loader mapped, where the SDK's own version would follow Espressif's boot
 * information instead.
 *
 *   0x60001378  u32  ABOTA_HANDOFF_MAGIC
 *   0x6000137C  u32  image address in flash (slot offset)
 *
 * These are RTC user blocks 190 and 191 (system_rtc_mem_read/write count
 * 4-byte blocks from 0x60001100, users get 64..191): the application must
 * leave them alone. */
#ifndef ABOTA_LOADER_HANDOFF_H
#define ABOTA_LOADER_HANDOFF_H

#define ABOTA_HANDOFF_MAGIC_ADDR 0x60001378u
#define ABOTA_HANDOFF_IMAGE_ADDR 0x6000137Cu
#define ABOTA_HANDOFF_MAGIC 0xAB07A5E1u

#endif
