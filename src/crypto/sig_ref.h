/* The reference verifiers of the tests, fuzzers and benchmarks, built under
 * other names into the host library abota_sig_ref so that a program can
 * call them beside the core's abota_sig_p256_verify: mbedTLS's
 * (sig_mbedtls.c), and sig_p256.c with ABOTA_SIG_MUL16=1 (the lx106's
 * products, whatever the host's default). Same arguments and results
 * (abota/sig.h). */
#ifndef ABOTA_SIG_REF_H
#define ABOTA_SIG_REF_H

#include "abota/sig.h"

int abota_sig_p256_verify_mbedtls(const uint8_t key[ABOTA_SIG_P256_KEY_SIZE],
                                  const uint8_t digest[32],
                                  const uint8_t sig[ABOTA_SIG_P256_SIZE]);

int abota_sig_p256_verify_mul16(const uint8_t key[ABOTA_SIG_P256_KEY_SIZE],
                                const uint8_t digest[32], const uint8_t sig[ABOTA_SIG_P256_SIZE]);

#endif
