/* SHA-256 behind a small interface, so a device can plug in its SDK's own.
 *
 * The implementation is chosen at link time: src/crypto/sha256_mbedtls.c
 * (hosts with mbedTLS) or src/crypto/sha256_builtin.c (small, portable).
 * A port with hardware SHA provides these four functions instead. */
#ifndef ABOTA_SHA256_H
#define ABOTA_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define ABOTA_SHA256_SIZE 32

/* Room for any implementation's context; checked with a static assertion in
 * each implementation. */
#ifndef ABOTA_SHA256_CTX_SIZE
#define ABOTA_SHA256_CTX_SIZE 128
#endif

struct abota_sha256 {
    union {
        uint64_t align_;
        void *align_ptr_;
        unsigned char bytes[ABOTA_SHA256_CTX_SIZE];
    } impl;
};

void abota_sha256_init(struct abota_sha256 *ctx);
void abota_sha256_update(struct abota_sha256 *ctx, const void *data, size_t len);
void abota_sha256_finish(struct abota_sha256 *ctx, uint8_t out[ABOTA_SHA256_SIZE]);

/* One-shot convenience. */
void abota_sha256(const void *data, size_t len, uint8_t out[ABOTA_SHA256_SIZE]);

#endif
