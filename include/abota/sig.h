/* ECDSA P-256 signature verification, heap-free (docs/SECURITY.md).
 *
 * The implementation is chosen at link time like SHA-256's:
 * src/crypto/sig_p256.c (small, portable, no heap, bounded stack) or
 * src/crypto/sig_mbedtls.c (hosts with mbedTLS, ABOTA_SIG_MBEDTLS). A port
 * with a hardware or ROM verifier provides this one function instead.
 *
 * Verification handles only public data (key, digest, signature), so it
 * need not run in constant time. The three are read byte by byte: on the
 * ESP8266 they must be in RAM, not in flash-mapped memory. */
#ifndef ABOTA_SIG_H
#define ABOTA_SIG_H

#include <stdint.h>

/* The public key: X then Y, each 32 bytes big-endian (an uncompressed SEC1
 * point without its 0x04 prefix; what `abota pubkey --c` prints). */
#define ABOTA_SIG_P256_KEY_SIZE 64
/* The signature: r then s, each 32 bytes big-endian (docs/IMAGE_FORMAT.md). */
#define ABOTA_SIG_P256_SIZE 64

/* 0 when sig is a valid ECDSA P-256 signature of the SHA-256 digest by the
 * holder of key's private key; else ABOTA_ERR_SIG_KEY (key is not a point
 * of the curve), ABOTA_ERR_SIG_RANGE (r or s is 0 or not below the group
 * order) or ABOTA_ERR_SIG_INVALID, checked in that order. The digest is
 * the number e of SEC 1, taken mod n; both s and n - s verify. */
int abota_sig_p256_verify(const uint8_t key[ABOTA_SIG_P256_KEY_SIZE], const uint8_t digest[32],
                          const uint8_t sig[ABOTA_SIG_P256_SIZE]);

#endif
