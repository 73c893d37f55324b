/* Differential fuzzing of the ECDSA P-256 verifier: the core's
 * (src/crypto/sig_p256.c), and the same with 16-bit products (the lx106's,
 * ABOTA_SIG_MUL16), against mbedTLS's (abota_sig_p256_verify_mbedtls;
 * abota_sig_ref, src/crypto/sig_ref.h) on the same key, digest and
 * signature.
 *
 * Input (shorter inputs are padded with zeros):
 *   byte 0        flags, below
 *   bytes 1..64   the key X || Y; with FLAG_KEY_OF_SCALAR, bytes 1..32 are
 *                 a scalar k and the key is k*G (mbedTLS), or -k*G with
 *                 FLAG_NEGATE_SCALAR
 *   bytes 65..96  the digest
 *   bytes 97..160 the signature r || s; with FLAG_STEER, u1 || u2, and the
 *                 digest and signature are replaced by a valid pair whose
 *                 verification computes u1*G + u2*Q (sigtool.h), so the
 *                 fuzzer steers the ladder of sig_p256.c directly
 *   bytes 161,162 with FLAG_FLIP, the bit of key || digest || sig to flip
 *                 last (mod 1280)
 * Properties: the verifiers return the same code, always; a steered
 * signature, also with n - s (FLAG_HIGH_S) or the digest plus n
 * (FLAG_DIGEST_PLUS_N), verifies in both unless a bit was flipped. */
#include <string.h>

#include "abota/error.h"
#include "abota/sig.h"
#include "fuzz.h"
#include "sig_ref.h"
#include "sigtool.h"

#define FLAG_KEY_OF_SCALAR 0x01
#define FLAG_NEGATE_SCALAR 0x02
#define FLAG_STEER 0x04
#define FLAG_HIGH_S 0x08
#define FLAG_DIGEST_PLUS_N 0x10
#define FLAG_FLIP 0x20

#define IN_SIZE 163

/* r = a + b mod 2^256 (big-endian); returns the carry out */
static int add256(uint8_t r[32], const uint8_t a[32], const uint8_t b[32])
{
    int carry = 0;
    for (int i = 31; i >= 0; i--) {
        int v = a[i] + b[i] + carry;
        r[i] = (uint8_t)v;
        carry = v >> 8;
    }
    return carry;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t in[IN_SIZE] = {0};
    uint8_t n[32];
    memcpy(in, data, size < sizeof in ? size : sizeof in);
    uint8_t flags = in[0], *key = in + 1, *digest = in + 65, *sig = in + 97;
    int valid = 0; /* a valid signature by construction */

    sigtool_order(n);
    if (flags & FLAG_KEY_OF_SCALAR) { /* k = 0 mod n: the key stays as is */
        uint8_t k[32];
        memcpy(k, key, 32);
        (void)sigtool_key_of(k, flags & FLAG_NEGATE_SCALAR, key);
    }
    if ((flags & FLAG_STEER) && sigtool_steer(key, sig, sig + 32, digest, sig) == 0) {
        valid = 1;
        if (flags & FLAG_HIGH_S)
            sigtool_negate_s(sig);
        if (flags & FLAG_DIGEST_PLUS_N) {
            uint8_t e[32];
            if (!add256(e, digest, n)) /* e + n still fits: the same e mod n */
                memcpy(digest, e, 32);
        }
    }
    if (flags & FLAG_FLIP) {
        unsigned bit = ((unsigned)in[161] << 8 | in[162]) % 1280u;
        uint8_t *all = in + 1; /* key, digest, sig are contiguous */
        all[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        valid = 0;
    }

    int ours = abota_sig_p256_verify(key, digest, sig);
    int ref = abota_sig_p256_verify_mbedtls(key, digest, sig);
    FUZZ_CHECK(ours == ref);
    FUZZ_CHECK(abota_sig_p256_verify_mul16(key, digest, sig) == ref);
    FUZZ_CHECK(ours == 0 || ours == ABOTA_ERR_SIG_INVALID || ours == ABOTA_ERR_SIG_RANGE ||
               ours == ABOTA_ERR_SIG_KEY);
    if (valid)
        FUZZ_CHECK(ours == 0);
    return 0;
}
