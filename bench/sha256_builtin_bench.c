/* The built-in SHA-256 under other names, so one benchmark program can hold
 * it beside the mbedTLS one (both define abota_sha256_*). The one-shot
 * abota_sha256() is renamed with a function-like macro, which leaves the
 * struct tag abota_sha256 alone. */
#define abota_sha256_init bench_builtin_sha256_init
#define abota_sha256_update bench_builtin_sha256_update
#define abota_sha256_finish bench_builtin_sha256_finish
#define abota_sha256(d, l, o) bench_builtin_sha256(d, l, o)
#include "../src/crypto/sha256_builtin.c"
