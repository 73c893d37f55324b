/* ECDSA P-256 test material made with mbedTLS, for holding the core's
 * abota_sig_p256_verify to mbedTLS's (abota_sig_p256_verify_mbedtls,
 * src/crypto/sig_ref.h): keys from scalars, and signatures that steer
 * verification to a chosen u1*G + u2*Q. Host only (test_sig_mbedtls.c,
 * tests/fuzz/fuzz_sig.c). Numbers are 32 bytes, big-endian. */
#ifndef ABOTA_TEST_SIGTOOL_H
#define ABOTA_TEST_SIGTOOL_H

#include <stdint.h>

/* key = d*G (X || Y), or -d*G when negate; d taken mod n. -1 when
 * d = 0 mod n (infinity). */
int sigtool_key_of(const uint8_t d[32], int negate, uint8_t key[64]);

/* A valid signature of a digest for key, made without its private key:
 * with R = u1*G + u2*Q, r = R.x mod n, s = r/u2 and e = u1*s (mod n), the
 * verification of (r, s) on e computes u1*G + u2*Q again (u1, u2 taken
 * mod n). Writes digest (e) and sig (r || s). -1 when key is not a point
 * of the curve, u2 = 0 mod n, or R is infinity or has R.x = 0 mod n. */
int sigtool_steer(const uint8_t key[64], const uint8_t u1[32], const uint8_t u2[32],
                  uint8_t digest[32], uint8_t sig[64]);

/* s = n - s: the other s that signs the same (r, digest) */
void sigtool_negate_s(uint8_t sig[64]);

/* n, the order of G */
void sigtool_order(uint8_t n[32]);

#endif
