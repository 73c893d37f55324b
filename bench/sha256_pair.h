/* Both SHA-256 implementations in one program, under bench-only names. */
#ifndef ABOTA_BENCH_SHA256_PAIR_H
#define ABOTA_BENCH_SHA256_PAIR_H

#include "abota/sha256.h"

void bench_builtin_sha256_init(struct abota_sha256 *ctx);
void bench_builtin_sha256_update(struct abota_sha256 *ctx, const void *data, size_t len);
void bench_builtin_sha256_finish(struct abota_sha256 *ctx, uint8_t out[ABOTA_SHA256_SIZE]);
void bench_builtin_sha256(const void *data, size_t len, uint8_t out[ABOTA_SHA256_SIZE]);

void bench_mbedtls_sha256_init(struct abota_sha256 *ctx);
void bench_mbedtls_sha256_update(struct abota_sha256 *ctx, const void *data, size_t len);
void bench_mbedtls_sha256_finish(struct abota_sha256 *ctx, uint8_t out[ABOTA_SHA256_SIZE]);
void bench_mbedtls_sha256(const void *data, size_t len, uint8_t out[ABOTA_SHA256_SIZE]);

#endif
