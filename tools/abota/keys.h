/* ECDSA P-256 keys for image signatures, through mbedTLS (keys.c). The rest
 * of the CLI sees only this interface, never an mbedTLS type. Functions that
 * return -1 have printed why, prefixed with who. */
#ifndef ABOTA_CLI_KEYS_H
#define ABOTA_CLI_KEYS_H

#include <stddef.h>
#include <stdint.h>

#define KEYS_SIG_SIZE 64u /* r || s, 32 bytes each, big-endian */
#define KEYS_XY_SIZE 64u  /* X || Y, 32 bytes each, big-endian */
#define KEYS_FINGERPRINT_HEX 65u /* 64 hex digits and a NUL */

struct cli_key;

/* A new random P-256 key pair (mbedTLS entropy + CTR-DRBG). */
int keys_generate(const char *who, struct cli_key **out);
/* Loads a PEM or DER key file: a private key (SEC1 "EC PRIVATE KEY" or
 * PKCS#8) or a public key ("PUBLIC KEY"). Refuses keys that are not P-256. */
int keys_load(const char *who, const char *path, struct cli_key **out);
void keys_free(struct cli_key *k);

/* Whether k holds the private half (it can sign). */
int keys_is_private(const struct cli_key *k);
/* The public point as X || Y (the SEC1 uncompressed point without its 0x04). */
int keys_public_xy(struct cli_key *k, uint8_t xy[KEYS_XY_SIZE]);
/* SHA-256 of the public key's DER SubjectPublicKeyInfo, in hex: what
 * `openssl pkey -pubin -outform DER | sha256sum` prints. */
int keys_fingerprint(struct cli_key *k, char hex[KEYS_FINGERPRINT_HEX]);

/* Writes the key as PEM to path: the private key (mode 0600) or only the
 * public key (0644). overwrite as for cli_write_file. */
int keys_write_pem(const char *who, struct cli_key *k, int public_only, const char *path,
                   int overwrite);
/* The public key as PEM into buf (NUL-terminated). */
int keys_public_pem(const char *who, struct cli_key *k, char *buf, size_t size);

/* ECDSA signature of a SHA-256 digest, deterministic (RFC 6979). */
int keys_sign_digest(const char *who, struct cli_key *k, const uint8_t digest[32],
                     uint8_t sig[KEYS_SIG_SIZE]);
/* Returns 1 when sig is a valid signature of digest by k, else 0. Prints
 * nothing: the caller says what a failure means. */
int keys_verify_digest(struct cli_key *k, const uint8_t digest[32],
                       const uint8_t sig[KEYS_SIG_SIZE]);

/* --- image signatures (sign_footer.c) --- */

struct abota_footer;
/* Makes f a signed footer: sig_type ECDSA P-256, sig_len 64, then r || s
 * over abota_footer_signed_digest (which covers those two fields), checked
 * once against the key before it is kept. f's other fields must be final. */
int keys_sign_footer(const char *who, struct cli_key *k, struct abota_footer *f);
/* Checks f's signature with k: 0, or ABOTA_ERR_SIG_NONE (unsigned),
 * _TYPE (not ECDSA P-256), _LENGTH (sig_len not 64), _INVALID (does not
 * verify: another key, or bytes changed after signing). */
int keys_check_footer(struct cli_key *k, const struct abota_footer *f);

#endif
