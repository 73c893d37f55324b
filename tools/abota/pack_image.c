/* The footer abota pack writes after a firmware, for abota pack and abota
 * publish (docs/IMAGE_FORMAT.md). */
#include <string.h>

#include "abota/crc32.h"
#include "abota/error.h"
#include "abota/image.h"
#include "abota/layout.h"
#include "abota/sha256.h"
#include "cli.h"
#include "keys.h"

int cli_pack_footer(const char *who, const char *name, const uint8_t *fw, size_t len, int slot,
                    struct cli_key *key, struct abota_footer *f, const char **what)
{
    /* An Espressif user bin: check it now rather than ship one that the
     * device would refuse, and take the target slot from its header. */
    struct abota_esp_info esp;
    *what = "firmware";
    int err = abota_esp_verify_buf(fw, len, &esp);
    if (err == 0 && esp.end == len) {
        f->flags |= ABOTA_FLAG_ESP_USERBIN;
        *what = esp.v2 ? "Espressif v2 user bin" : "Espressif image (no CRC trailer)";
        if (esp.v2 && esp.userbin) {
            if (slot >= 0 && slot != esp.userbin) {
                fprintf(stderr,
                        "%s: %s is a user%u bin (byte 3 of its header) but --slot says "
                        "%d; its code is linked for slot %u, so refusing\n",
                        who, name, esp.userbin, slot, esp.userbin);
                return -1;
            }
            slot = esp.userbin;
        }
    } else if (len >= 2 && fw[0] == 0xEA && fw[1] == 0x04) {
        fprintf(stderr, "%s: %s looks like an Espressif v2 user bin but %s\n", who, name,
                err < 0 ? abota_strerror(err) : "has bytes after its CRC trailer");
        return -1;
    }
    f->target_slot = (uint8_t)(slot < 0 ? ABOTA_SLOT_ANY : slot);
    f->payload_len = (uint32_t)len;
    f->crc32 = abota_crc32_update(0, fw, len);
    abota_sha256(fw, len, f->sha256);
    return key ? keys_sign_footer(who, key, f) : 0;
}

size_t cli_pack_tail(const struct abota_footer *f, uint8_t tail[CLI_PACK_TAIL_MAX])
{
    size_t pad = abota_image_footer_offset(f->payload_len) - f->payload_len;
    memset(tail, 0xFF, pad);
    abota_footer_encode(f, tail + pad);
    return pad + ABOTA_FOOTER_SIZE;
}
