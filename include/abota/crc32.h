/* CRC-32/IEEE (reflected 0xEDB88320, init and final XOR 0xFFFFFFFF): the
 * same value as zlib's crc32() and Python's binascii.crc32(). */
#ifndef ABOTA_CRC32_H
#define ABOTA_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* Continue a CRC: start with crc = 0, pass the previous result to go on.
 * abota_crc32_update(abota_crc32_update(0, a, n), b, m) equals the CRC of a||b. */
uint32_t abota_crc32_update(uint32_t crc, const void *data, size_t len);

#endif
