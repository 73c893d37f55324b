/* The reference verifier of the tests, fuzzers and benchmarks: mbedTLS's
 * (sig_mbedtls.c) built under another name into the host library
 * abota_sig_ref, so a program can call it beside the core's
 * abota_sig_p256_verify. Same arguments and results (abota/sig.h). */
#ifndef ABOTA_SIG_REF_H
#define ABOTA_SIG_REF_H

#include "abota/sig.h"

int abota_sig_p256_verify_mbedtls(const uint8_t key[ABOTA_SIG_P256_KEY_SIZE],
                                  const uint8_t digest[32],
                                  const uint8_t sig[ABOTA_SIG_P256_SIZE]);

#endif
