/* abota inspect of a release manifest: every field as the device reader
 * sees it, the signature by the device's own verifier, and the images that
 * lie beside it (docs/MANIFEST.md). */
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "abota/error.h"
#include "abota/image.h"
#include "abota/manifest.h"
#include "abota/sha256.h"
#include "cli.h"
#include "keys.h"

static void print_hex(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        printf("%02x", p[i]);
}

/* A URL relative to the manifest's own names a file beside it. */
static int is_relative(const char *url)
{
    return url[0] != '/' && !strstr(url, "://");
}

/* Checks the image at dir/url against its entry; prints the verdict.
 * Returns 0, or -1 when the file is there and differs. */
static int check_image_file(const char *dir, const char *url,
                            const struct abota_manifest_image *img)
{
    char path[4096];
    uint8_t *buf, sha[ABOTA_SHA256_SIZE];
    size_t len;
    FILE *probe;
    if (!is_relative(url) || snprintf(path, sizeof path, "%s/%s", dir, url) >= (int)sizeof path) {
        printf("    file:          not checked (not relative to the manifest)\n");
        return 0;
    }
    if (!(probe = fopen(path, "rb"))) {
        printf("    file:          %s not here, not checked\n", path);
        return 0;
    }
    fclose(probe);
    if (cli_read_file("abota inspect", path, ABOTA_IMAGE_PAYLOAD_MAX + CLI_PACK_TAIL_MAX, &buf,
                      &len) < 0)
        return -1;
    abota_sha256(buf, len, sha);
    free(buf);
    int ok = len == img->length && !memcmp(sha, img->sha256, sizeof sha);
    printf("    file:          %s, %zu bytes: %s\n", path, len,
           ok ? "good" : len != img->length ? "BAD (length)" : "BAD (SHA-256)");
    return ok ? 0 : -1;
}

int cli_inspect_manifest(const char *path, const uint8_t *doc, size_t len, struct cli_key *key,
                         const char *key_path, const char *device_id)
{
    const char *text = (const char *)doc;
    struct abota_manifest m;
    char v[16], s[ABOTA_URL_MAX], fp[KEYS_FINGERPRINT_HEX];
    uint8_t xy[KEYS_XY_SIZE];
    int bad_file = 0;

    printf("file:              %s\n", path);
    printf("size:              %zu bytes\n", len);
    printf("kind:              release manifest (JSON)\n");
    int err = abota_manifest_parse(&m, text, len);
    if (err < 0) {
        printf("verify:            FAILED: %s\n", abota_strerror(err));
        fprintf(stderr, "abota inspect: %s: %s\n", path, abota_strerror(err));
        return 1;
    }
    abota_version_format(m.version, v, sizeof v);
    printf("  format:          %d\n", ABOTA_MANIFEST_FORMAT);
    printf("  version:         %s\n", v);
    printf("  security version: %u\n", m.security_version);
    abota_version_format(m.min_version, v, sizeof v);
    printf("  min version:     %s\n", m.min_version ? v : "none");
    printf("  rollout:         %u.%02u%%\n", m.rollout / 100u, m.rollout % 100u);
    if (m.poll_interval)
        printf("  poll interval:   %u s\n", m.poll_interval);
    else
        printf("  poll interval:   not set\n");
    abota_manifest_copy(text, m.report, s, sizeof s);
    printf("  report:          %s\n", m.report.len ? s : "none");
    if (device_id)
        printf("  device %s: %s\n", device_id,
               abota_manifest_in_rollout(&m, (const uint8_t *)device_id, strlen(device_id))
                   ? "in the rollout"
                   : "not in the rollout");

    char *dup = strdup(path);
    if (!dup) {
        fprintf(stderr, "abota inspect: out of memory\n");
        return 1;
    }
    const char *dir = dirname(dup);
    for (unsigned i = 0; i < m.nimages; i++) {
        const struct abota_manifest_image *img = &m.images[i];
        abota_manifest_copy(text, img->url, s, sizeof s);
        printf("  image:           slot %s, %s\n",
               img->slot == 1 ? "1" : img->slot == 2 ? "2" : "any", s);
        printf("    length:        %u bytes\n", img->length);
        printf("    sha256:        ");
        print_hex(img->sha256, sizeof img->sha256);
        printf("\n");
        bad_file |= check_image_file(dir, s, img) < 0;
    }
    free(dup);

    int sig_err = 0;
    if (key) {
        if (keys_public_xy(key, xy) < 0 || keys_fingerprint(key, fp) < 0)
            return 1;
        sig_err = abota_manifest_verify(&m, text, len, xy);
        printf("  signature:       ECDSA P-256, key SHA256:%s: %s\n", fp,
               sig_err == 0 ? "good" : "BAD");
    } else {
        printf("  signature:       ECDSA P-256 (not checked: no --key)\n");
    }
    if (sig_err < 0 || bad_file) {
        char why[256];
        if (sig_err < 0)
            snprintf(why, sizeof why, "signature does not verify with %s: %s", key_path,
                     abota_strerror(sig_err));
        else
            snprintf(why, sizeof why, "an image beside the manifest is not the one it names");
        printf("verify:            FAILED: %s\n", why);
        fprintf(stderr, "abota inspect: %s: %s\n", path, why);
        return 1;
    }
    printf("verify:            ok\n");
    return 0;
}
