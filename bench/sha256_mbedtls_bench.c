/* The mbedTLS SHA-256 wrapper under other names (see sha256_builtin_bench.c). */
#define abota_sha256_init bench_mbedtls_sha256_init
#define abota_sha256_update bench_mbedtls_sha256_update
#define abota_sha256_finish bench_mbedtls_sha256_finish
#define abota_sha256(d, l, o) bench_mbedtls_sha256(d, l, o)
#include "../src/crypto/sha256_mbedtls.c"
