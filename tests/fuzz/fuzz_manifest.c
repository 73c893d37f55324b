/* Fuzzes the release manifest reader (abota/manifest.h).
 *
 * Input: the document itself (libFuzzer's buffer is exactly its size, so
 * a read past the end is a sanitizer report). Properties:
 * - parse never reads outside the document, and a refused document leaves
 *   the struct zeroed;
 * - a parsed manifest: every span (signed value, URLs, report) lies inside
 *   the document, the URLs and the report inside the signed value; the
 *   signed span runs from '{' to '}'; fields in their ranges; slots
 *   distinct;
 * - parsing is a function of the bytes: again gives the same struct;
 * - the fields come from the signed value alone: that value put into a
 *   fresh document with the same signature parses to the same fields;
 * - verify with a fixed key, pick and the rollout decision do not crash,
 *   and the rollout answer is stable. */
#include <string.h>

#include "abota/config.h"
#include "abota/error.h"
#include "fuzz.h"

#if ABOTA_FEATURE_MANIFEST

#include "abota/manifest.h"

/* the public key of tests/data/keys/test-a.pem (X || Y) */
static const uint8_t key[64] = {
    0x37, 0x8b, 0x84, 0xb6, 0x5d, 0x7c, 0xad, 0xc7, 0xcc, 0x1f, 0x76, 0xc9, 0x15, 0xfe, 0xa9, 0x73,
    0xf8, 0xdc, 0xa6, 0x7c, 0xe2, 0xdf, 0xfd, 0xa0, 0x21, 0x0e, 0x98, 0x9c, 0x88, 0x6a, 0x1d, 0xf8,
    0x85, 0xe0, 0x81, 0xd8, 0xc0, 0xec, 0x4f, 0x00, 0x50, 0x00, 0x14, 0x16, 0x48, 0xdb, 0x8f, 0x4b,
    0x95, 0x4a, 0xff, 0x0d, 0xd3, 0x4b, 0xd3, 0x20, 0xf6, 0xa6, 0xe7, 0x3b, 0x3c, 0x56, 0x14, 0x3a};

static bool inside(struct abota_manifest_span s, size_t off, size_t len)
{
    return s.off >= off && s.len <= len && s.off - off <= len - s.len;
}

static void check_fields(const struct abota_manifest *m, const char *doc, size_t len)
{
    struct abota_manifest_span sg = m->signed_span;
    FUZZ_CHECK(sg.len >= 2 && inside(sg, 0, len));
    FUZZ_CHECK(doc[sg.off] == '{' && doc[sg.off + sg.len - 1] == '}');
    FUZZ_CHECK(m->report.len == 0 || inside(m->report, sg.off, sg.len));
    FUZZ_CHECK(m->report.len < ABOTA_URL_MAX);
    FUZZ_CHECK(m->rollout <= ABOTA_MANIFEST_ROLLOUT_ALL);
    FUZZ_CHECK(m->nimages >= 1 && m->nimages <= ABOTA_MANIFEST_IMAGES_MAX);
    for (unsigned i = 0; i < m->nimages; i++) {
        const struct abota_manifest_image *img = &m->images[i];
        FUZZ_CHECK(img->url.len > 0 && img->url.len < ABOTA_URL_MAX);
        FUZZ_CHECK(inside(img->url, sg.off, sg.len));
        FUZZ_CHECK(memchr(doc + img->url.off, '\\', img->url.len) == NULL);
        FUZZ_CHECK(img->slot <= 2 && img->length > 0);
        for (unsigned k = 0; k < i; k++)
            FUZZ_CHECK(m->images[k].slot != img->slot);
    }
}

/* The same fields from two documents: spans compared by their text. */
static bool same_text(const char *a, struct abota_manifest_span sa, const char *b,
                      struct abota_manifest_span sb)
{
    return sa.len == sb.len && memcmp(a + sa.off, b + sb.off, sa.len) == 0;
}

static void check_same(const struct abota_manifest *a, const char *da,
                       const struct abota_manifest *b, const char *db)
{
    FUZZ_CHECK(a->version == b->version && a->security_version == b->security_version);
    FUZZ_CHECK(a->min_version == b->min_version && a->rollout == b->rollout);
    FUZZ_CHECK(a->poll_interval == b->poll_interval && a->nimages == b->nimages);
    FUZZ_CHECK(memcmp(a->sig, b->sig, sizeof a->sig) == 0);
    FUZZ_CHECK(same_text(da, a->report, db, b->report));
    FUZZ_CHECK(same_text(da, a->signed_span, db, b->signed_span));
    for (unsigned i = 0; i < a->nimages; i++) {
        FUZZ_CHECK(a->images[i].slot == b->images[i].slot);
        FUZZ_CHECK(a->images[i].length == b->images[i].length);
        FUZZ_CHECK(!memcmp(a->images[i].sha256, b->images[i].sha256, ABOTA_SHA256_SIZE));
        FUZZ_CHECK(same_text(da, a->images[i].url, db, b->images[i].url));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct abota_manifest zero;
    static struct abota_manifest m, again, fresh;
    const char *doc = (const char *)data;
    int err = abota_manifest_parse(&m, doc, size);
    FUZZ_CHECK(abota_manifest_parse(&again, doc, size) == err);
    FUZZ_CHECK(memcmp(&m, &again, sizeof m) == 0);
    if (err < 0) {
        FUZZ_CHECK(memcmp(&m, &zero, sizeof m) == 0);
        return 0;
    }
    FUZZ_CHECK(err == 0);
    check_fields(&m, doc, size);

    /* the signed value alone, with the same signature, in a new document */
    static char buf[ABOTA_MANIFEST_MAX + 256];
    static const char head[] = "{\"signed\":", mid[] = ",\"signature\":\"";
    size_t n = 0;
    if (sizeof head - 1 + m.signed_span.len + sizeof mid - 1 + 128 + 2 <= ABOTA_MANIFEST_MAX) {
        memcpy(buf, head, sizeof head - 1);
        n = sizeof head - 1;
        memcpy(buf + n, doc + m.signed_span.off, m.signed_span.len);
        n += m.signed_span.len;
        memcpy(buf + n, mid, sizeof mid - 1);
        n += sizeof mid - 1;
        for (size_t i = 0; i < sizeof m.sig; i++, n += 2) {
            buf[n] = "0123456789abcdef"[m.sig[i] >> 4];
            buf[n + 1] = "0123456789abcdef"[m.sig[i] & 15];
        }
        buf[n++] = '"';
        buf[n++] = '}';
        FUZZ_CHECK(abota_manifest_parse(&fresh, buf, n) == 0);
        check_same(&m, doc, &fresh, buf);
    }

    /* nobody fuzzes a valid signature into being; the call must be safe */
    err = abota_manifest_verify(&m, doc, size, key);
    FUZZ_CHECK(err == 0 || err == ABOTA_ERR_MAN_SIGNATURE || err == ABOTA_ERR_SIG_RANGE);
    for (int slot = 1; slot <= 2; slot++) {
        const struct abota_manifest_image *img = NULL;
        err = abota_manifest_pick(&m, slot, &img);
        FUZZ_CHECK(err == 0 || err == ABOTA_ERR_MAN_NO_IMAGE);
        FUZZ_CHECK(err < 0 || (img && (img->slot == slot || img->slot == 0)));
    }
    bool in = abota_manifest_in_rollout(&m, data, size < 16 ? size : 16);
    FUZZ_CHECK(abota_manifest_in_rollout(&m, data, size < 16 ? size : 16) == in);
    FUZZ_CHECK(m.rollout != 0 || !in);
    FUZZ_CHECK(m.rollout != ABOTA_MANIFEST_ROLLOUT_ALL || in);
    return 0;
}

#else

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)data;
    (void)size;
    return 0;
}

#endif
