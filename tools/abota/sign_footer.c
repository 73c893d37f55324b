/* Signing and checking an image footer's ECDSA P-256 signature
 * (docs/IMAGE_FORMAT.md, "Signature"). */
#include <stdio.h>
#include <string.h>

#include "abota/error.h"
#include "abota/image.h"
#include "keys.h"

int keys_sign_footer(const char *who, struct cli_key *k, struct abota_footer *f)
{
    uint8_t digest[ABOTA_SHA256_SIZE];
    memset(f->sig, 0, sizeof f->sig);
    /* type and length first: they are among the signed bytes */
    f->sig_type = ABOTA_SIG_TYPE_P256;
    f->sig_len = KEYS_SIG_SIZE;
    abota_footer_signed_digest(f, digest);
    if (keys_sign_digest(who, k, digest, f->sig) < 0)
        return -1;
    if (keys_check_footer(k, f) != 0) {
        fprintf(stderr, "%s: the signature just made does not verify; not writing it\n", who);
        return -1;
    }
    return 0;
}

int keys_check_footer(struct cli_key *k, const struct abota_footer *f)
{
    uint8_t digest[ABOTA_SHA256_SIZE];
    if (f->sig_type == ABOTA_SIG_TYPE_NONE)
        return ABOTA_ERR_SIG_NONE;
    if (f->sig_type != ABOTA_SIG_TYPE_P256)
        return ABOTA_ERR_SIG_TYPE;
    if (f->sig_len != KEYS_SIG_SIZE)
        return ABOTA_ERR_SIG_LENGTH;
    abota_footer_signed_digest(f, digest);
    return keys_verify_digest(k, digest, f->sig) ? 0 : ABOTA_ERR_SIG_INVALID;
}
