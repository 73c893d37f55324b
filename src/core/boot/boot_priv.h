/* Inside the boot room: the boot choice with an extra condition on the
 * image, so that abota_boot_choose itself links no signature verifier. */
#ifndef ABOTA_BOOT_PRIV_H
#define ABOTA_BOOT_PRIV_H

#include "abota/boot.h"

/* 0 when the verified image info may boot, else why not. */
typedef int (*boot_accept_fn)(const void *arg, const struct abota_image_info *info);

/* abota_boot_choose, where a slot must also pass accept_fn (NULL: none). */
int boot_choose_with(const struct abota_flash *f, const struct abota_layout *l,
                     struct abota_boot_decision *d, boot_accept_fn accept_fn,
                     const void *accept_arg);

#endif
