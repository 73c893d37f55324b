/* Secure boot: the boot choice accepts only images signed by the built-in
 * key (docs/SECURITY.md, "Secure boot"). */
#include "abota/boot.h"

#if ABOTA_FEATURE_SIGNATURE

#include "abota/error.h"
#include "abota/image.h"
#include "boot_priv.h"

/* A plain Espressif bin has no footer and so no signature. */
static int signed_by(const void *key, const struct abota_image_info *info)
{
    return abota_image_check_signature(info->kind == ABOTA_IMAGE_ABOTA ? &info->footer : NULL,
                                       key);
}

int abota_boot_choose_signed(const struct abota_flash *f, const struct abota_layout *l,
                             const uint8_t *key, struct abota_boot_decision *d)
{
    if (!key)
        return ABOTA_ERR_ARG;
    return boot_choose_with(f, l, d, signed_by, key);
}

#endif
