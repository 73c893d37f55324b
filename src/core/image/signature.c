/* The footer's signature against the device's built-in public key
 * (docs/IMAGE_FORMAT.md, "Signature"; docs/SECURITY.md). */
#include "abota/image.h"

#if ABOTA_FEATURE_SIGNATURE

#include "abota/error.h"
#include "abota/sig.h"

int abota_image_check_signature(const struct abota_footer *f, const uint8_t *key)
{
    if (!f || f->sig_type == ABOTA_SIG_TYPE_NONE)
        return ABOTA_ERR_SIG_NONE;
    if (f->sig_type != ABOTA_SIG_TYPE_P256)
        return ABOTA_ERR_SIG_TYPE;
    if (f->sig_len != ABOTA_SIG_P256_SIZE)
        return ABOTA_ERR_SIG_LENGTH;
    uint8_t digest[ABOTA_SHA256_SIZE];
    abota_footer_signed_digest(f, digest);
    return abota_sig_p256_verify(key, digest, f->sig);
}

#endif
