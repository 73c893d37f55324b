/* The ESP8266 mask ROM functions the loader calls. Their addresses come from
 * the ROM's public symbol list (the SDK's eagle.rom.addr.v6.ld) and are given
 * to the linker in rom.ld; nothing of the SDK is linked. */
#ifndef ABOTA_LOADER_ROM_H
#define ABOTA_LOADER_ROM_H

#include <stdint.h>

/* 0 OK, 1 error, 2 timeout (SpiFlashOpResult). Flash address, RAM buffer
 * and length must be 4-byte aligned; the buffer must be in DRAM (IRAM only
 * takes 32-bit stores, which the ROM's copy does not promise). */
int SPIRead(uint32_t addr, void *dst, uint32_t len);
int SPIWrite(uint32_t addr, const void *src, uint32_t len);
int SPIEraseSector(uint32_t sector);

/* Maps flash into the irom0 window at 0x40200000 and turns the cache on:
 * odd_even picks the odd or even megabyte, mb_count the 2 MB block,
 * v = 1 as the SDK passes. Once the cache is on, SPIRead must not be used,
 * and IRAM from 0x40108000 is cache. */
void Cache_Read_Enable(uint32_t odd_even, uint32_t mb_count, uint32_t v);

#endif
