/* Release manifests (abota/manifest.h, docs/MANIFEST.md): the reader's
 * refusals, one error for each, the signature against openssl-made
 * vectors (manifest_vectors.h), the image for a slot, the rollout share.
 * Portable: runs on the target CPUs too. Skipped (77) in a build without
 * ABOTA_FEATURE_MANIFEST (the small profile). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "abota/config.h"
#include "abota/error.h"

#if ABOTA_FEATURE_MANIFEST

#include "abota/image.h"
#include "abota/layout.h"
#include "abota/manifest.h"
#include "manifest_vectors.h"
#include "sig_image_vectors.h"

#define HEX64_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HEX64_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define SIG128 HEX64_A HEX64_B
#define IMG1 "{\"slot\":1,\"url\":\"u1.bin\",\"length\":1000,\"sha256\":\"" HEX64_A "\"}"
#define IMG2 "{\"slot\":2,\"url\":\"u2.bin\",\"length\":2000,\"sha256\":\"" HEX64_B "\"}"
#define FV "\"format\":1,\"version\":\"1.2.0\""
/* the smallest good "signed" object, and with two images */
#define SIGNED_MIN "{" FV ",\"images\":[" IMG1 "]}"
#define SIGNED_TWO "{" FV ",\"images\":[" IMG1 "," IMG2 "]}"

static char buf[ABOTA_MANIFEST_MAX + 64];
static struct abota_manifest m;

static int parse_text(const char *doc)
{
    return abota_manifest_parse(&m, doc, strlen(doc));
}

/* A whole document around a "signed" object. */
static int parse_signed(const char *signed_obj)
{
    int n = snprintf(buf, sizeof buf, "{\"signed\":%s,\"signature\":\"%s\"}", signed_obj, SIG128);
    assert_true(n > 0 && (size_t)n < sizeof buf);
    return abota_manifest_parse(&m, buf, (size_t)n);
}

/* "signed" with one image object. */
static int parse_image(const char *img)
{
    char s[1024];
    int n = snprintf(s, sizeof s, "{" FV ",\"images\":[%s]}", img);
    assert_true(n > 0 && (size_t)n < sizeof s);
    return parse_signed(s);
}

struct want {
    const char *text;
    int err;
};

static void expect_all(int (*parse)(const char *), const struct want *w, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int got = parse(w[i].text);
        if (got != w[i].err)
            fail_msg("%s: %s, want %s", w[i].text, abota_strerror_name(got),
                     abota_strerror_name(w[i].err));
        if (got < 0) {
            /* nothing of a refused document is left behind */
            static const struct abota_manifest zero;
            assert_memory_equal(&m, &zero, sizeof m);
        }
    }
}

static void span_is(const char *doc, struct abota_manifest_span s, const char *want)
{
    char text[300];
    assert_int_equal(abota_manifest_copy(doc, s, text, sizeof text), (int)strlen(want));
    assert_string_equal(text, want);
}

static void test_good(void **state)
{
    (void)state;
    const char *doc = manifest_a;
    assert_int_equal(parse_text(doc), 0);
    assert_int_equal(m.version, abota_version_pack(1, 2, 0));
    assert_int_equal(m.security_version, 3);
    assert_int_equal(m.min_version, abota_version_pack(1, 0, 0));
    assert_int_equal(m.rollout, 1250);
    assert_int_equal(m.poll_interval, 3600);
    span_is(doc, m.report, "https://fleet.example/report");
    assert_int_equal(m.nimages, 2);
    assert_int_equal(m.images[0].slot, 1);
    assert_int_equal(m.images[0].length, 301328);
    span_is(doc, m.images[0].url, "user1.bin");
    assert_int_equal(m.images[0].sha256[0], 0x0a);
    assert_int_equal(m.images[0].sha256[31], 0x90);
    assert_int_equal(m.images[1].slot, 2);
    assert_int_equal(m.images[1].length, 301344);
    span_is(doc, m.images[1].url, "http://cdn.example/fw/user2.bin");
    /* the signed span is the "signed" value, brace to brace */
    assert_int_equal(doc[m.signed_span.off], '{');
    assert_int_equal(doc[m.signed_span.off + m.signed_span.len - 1], '}');
    assert_int_equal(m.signed_span.off, (int)strlen("{\"signed\":"));
    assert_int_equal(abota_manifest_verify(&m, doc, strlen(doc), sig_key_a), 0);

    /* the same fields, laid out otherwise and signed over that layout */
    struct abota_manifest compact = m;
    doc = manifest_a_pretty;
    assert_int_equal(parse_text(doc), 0);
    assert_int_equal(abota_manifest_verify(&m, doc, strlen(doc), sig_key_a), 0);
    assert_int_equal(m.version, compact.version);
    assert_int_equal(m.rollout, compact.rollout);
    assert_int_equal(m.nimages, 2);
    assert_memory_equal(m.images[1].sha256, compact.images[1].sha256, ABOTA_SHA256_SIZE);
    span_is(doc, m.images[1].url, "http://cdn.example/fw/user2.bin");

    /* defaults of the optional fields */
    assert_int_equal(parse_signed(SIGNED_MIN), 0);
    assert_int_equal(m.security_version, 0);
    assert_int_equal(m.min_version, 0);
    assert_int_equal(m.rollout, ABOTA_MANIFEST_ROLLOUT_ALL);
    assert_int_equal(m.poll_interval, 0);
    assert_int_equal(m.report.len, 0);
    assert_int_equal(m.nimages, 1);
    assert_int_equal(m.sig[0], 0xaa);
    assert_int_equal(m.sig[63], 0xbb);
}

static void test_verify(void **state)
{
    (void)state;
    static char doc[sizeof manifest_a];
    size_t len = strlen(manifest_a);

    assert_int_equal(parse_text(manifest_a), 0);
    assert_int_equal(abota_manifest_verify(&m, manifest_a, len, sig_key_b),
                     ABOTA_ERR_MAN_SIGNATURE);
    assert_int_equal(parse_text(manifest_b), 0);
    assert_int_equal(abota_manifest_verify(&m, manifest_b, strlen(manifest_b), sig_key_b), 0);
    assert_int_equal(abota_manifest_verify(&m, manifest_b, strlen(manifest_b), sig_key_a),
                     ABOTA_ERR_MAN_SIGNATURE);

    /* one signed byte changed, the document still good: refused */
    memcpy(doc, manifest_a, sizeof doc);
    char *at = strstr(doc, "301328");
    assert_non_null(at);
    at[5] = '9';
    assert_int_equal(parse_text(doc), 0);
    assert_int_equal(m.images[0].length, 301329);
    assert_int_equal(abota_manifest_verify(&m, doc, len, sig_key_a), ABOTA_ERR_MAN_SIGNATURE);
    /* whitespace inside the signed span is signed too */
    static char pretty[sizeof manifest_a_pretty];
    memcpy(pretty, manifest_a_pretty, sizeof pretty);
    at = strstr(pretty, "\"format\"");
    assert_non_null(at);
    at[-1] = '\t';
    assert_int_equal(parse_text(pretty), 0);
    assert_int_equal(abota_manifest_verify(&m, pretty, strlen(pretty), sig_key_a),
                     ABOTA_ERR_MAN_SIGNATURE);
    /* outside the signed span nothing counts: a field added at the top */
    int n = snprintf(buf, sizeof buf, "{\"note\":\"x\",%s", manifest_a + 1);
    assert_int_equal(abota_manifest_parse(&m, buf, (size_t)n), 0);
    assert_int_equal(abota_manifest_verify(&m, buf, (size_t)n, sig_key_a), 0);

    /* the signature itself: a bit changed, r = 0, not hex, not 64 bytes */
    memcpy(doc, manifest_a, sizeof doc);
    at = strstr(doc, "\"signature\":\"") + strlen("\"signature\":\"");
    at[10] = at[10] == '0' ? '1' : '0';
    assert_int_equal(parse_text(doc), 0);
    assert_int_equal(abota_manifest_verify(&m, doc, len, sig_key_a), ABOTA_ERR_MAN_SIGNATURE);
    memset(at, '0', 64);
    assert_int_equal(parse_text(doc), 0);
    assert_int_equal(abota_manifest_verify(&m, doc, len, sig_key_a), ABOTA_ERR_SIG_RANGE);
    at[3] = 'g';
    assert_int_equal(parse_text(doc), ABOTA_ERR_MAN_HEX);
    n = snprintf(buf, sizeof buf, "{\"signed\":" SIGNED_MIN ",\"signature\":\"%.126s\"}", SIG128);
    assert_int_equal(abota_manifest_parse(&m, buf, (size_t)n), ABOTA_ERR_MAN_HEX);
    n = snprintf(buf, sizeof buf, "{\"signed\":" SIGNED_MIN ",\"signature\":\"%s00\"}", SIG128);
    assert_int_equal(abota_manifest_parse(&m, buf, (size_t)n), ABOTA_ERR_MAN_HEX);
    /* a key off the curve */
    uint8_t bad_key[64];
    memcpy(bad_key, sig_key_a, sizeof bad_key);
    bad_key[63] ^= 1;
    assert_int_equal(parse_text(manifest_a), 0);
    assert_int_equal(abota_manifest_verify(&m, manifest_a, len, bad_key), ABOTA_ERR_SIG_KEY);
    /* a span the document does not hold */
    assert_int_equal(abota_manifest_verify(&m, manifest_a, 10, sig_key_a), ABOTA_ERR_ARG);
    assert_int_equal(abota_manifest_verify(NULL, manifest_a, len, sig_key_a), ABOTA_ERR_ARG);
}

static void test_missing(void **state)
{
    (void)state;
    static const struct want top[] = {
        {"{\"signature\":\"" SIG128 "\"}", ABOTA_ERR_MAN_MISSING},
        {"{\"signed\":" SIGNED_MIN "}", ABOTA_ERR_MAN_MISSING},
        {"{}", ABOTA_ERR_MAN_MISSING},
    };
    static const struct want sig[] = {
        {"{\"version\":\"1.2.0\",\"images\":[" IMG1 "]}", ABOTA_ERR_MAN_MISSING},
        {"{\"format\":1,\"images\":[" IMG1 "]}", ABOTA_ERR_MAN_MISSING},
        {"{" FV "}", ABOTA_ERR_MAN_MISSING},
        {"{}", ABOTA_ERR_MAN_MISSING},
    };
    static const struct want img[] = {
        {"{\"url\":\"u\",\"length\":1,\"sha256\":\"" HEX64_A "\"}", ABOTA_ERR_MAN_MISSING},
        {"{\"slot\":1,\"length\":1,\"sha256\":\"" HEX64_A "\"}", ABOTA_ERR_MAN_MISSING},
        {"{\"slot\":1,\"url\":\"u\",\"sha256\":\"" HEX64_A "\"}", ABOTA_ERR_MAN_MISSING},
        {"{\"slot\":1,\"url\":\"u\",\"length\":1}", ABOTA_ERR_MAN_MISSING},
        {"{}", ABOTA_ERR_MAN_MISSING},
    };
    expect_all(parse_text, top, sizeof top / sizeof top[0]);
    expect_all(parse_signed, sig, sizeof sig / sizeof sig[0]);
    expect_all(parse_image, img, sizeof img / sizeof img[0]);
}

static void test_types_and_ranges(void **state)
{
    (void)state;
#define IMGS ",\"images\":[" IMG1 "]"
    static const struct want sig[] = {
        {"{\"format\":\"1\",\"version\":\"1.2.0\"" IMGS "}", ABOTA_ERR_MAN_TYPE},
        {"{\"format\":1.0,\"version\":\"1.2.0\"" IMGS "}", ABOTA_ERR_MAN_TYPE},
        {"{\"format\":true,\"version\":\"1.2.0\"" IMGS "}", ABOTA_ERR_MAN_TYPE},
        {"{\"format\":2,\"version\":\"1.2.0\"" IMGS "}", ABOTA_ERR_MAN_FORMAT},
        {"{\"format\":0,\"version\":\"1.2.0\"" IMGS "}", ABOTA_ERR_MAN_FORMAT},
        {"{\"format\":-1,\"version\":\"1.2.0\"" IMGS "}", ABOTA_ERR_MAN_RANGE},
        /* a later format is refused as such, even with fields this one refuses */
        {"{\"version\":7,\"format\":2" IMGS "}", ABOTA_ERR_MAN_FORMAT},
        {"{\"format\":1,\"version\":1" IMGS "}", ABOTA_ERR_MAN_TYPE},
        {"{\"format\":1,\"version\":\"1.2\"" IMGS "}", ABOTA_ERR_MAN_VERSION},
        {"{\"format\":1,\"version\":\"1.2.3-rc1\"" IMGS "}", ABOTA_ERR_MAN_VERSION},
        {"{\"format\":1,\"version\":\"256.0.0\"" IMGS "}", ABOTA_ERR_MAN_VERSION},
        {"{\"format\":1,\"version\":\"1.2.3.4.5.6.7.8.9\"" IMGS "}", ABOTA_ERR_MAN_VERSION},
        {"{\"format\":1,\"version\":\"\"" IMGS "}", ABOTA_ERR_MAN_VERSION},
        {"{" FV ",\"security_version\":\"3\"" IMGS "}", ABOTA_ERR_MAN_TYPE},
        {"{" FV ",\"security_version\":4294967295" IMGS "}", 0},
        {"{" FV ",\"security_version\":4294967296" IMGS "}", ABOTA_ERR_MAN_RANGE},
        {"{" FV ",\"security_version\":99999999999999999999" IMGS "}", ABOTA_ERR_MAN_RANGE},
        {"{" FV ",\"security_version\":-1" IMGS "}", ABOTA_ERR_MAN_RANGE},
        {"{" FV ",\"security_version\":3e0" IMGS "}", ABOTA_ERR_MAN_TYPE},
        {"{" FV ",\"min_version\":100" IMGS "}", ABOTA_ERR_MAN_TYPE},
        {"{" FV ",\"min_version\":\"x\"" IMGS "}", ABOTA_ERR_MAN_VERSION},
        {"{" FV ",\"rollout\":\"50\"" IMGS "}", ABOTA_ERR_MAN_TYPE},
        {"{" FV ",\"rollout\":true" IMGS "}", ABOTA_ERR_MAN_TYPE},
        {"{" FV ",\"rollout\":5e1" IMGS "}", ABOTA_ERR_MAN_TYPE},
        {"{" FV ",\"rollout\":101" IMGS "}", ABOTA_ERR_MAN_RANGE},
        {"{" FV ",\"rollout\":100.01" IMGS "}", ABOTA_ERR_MAN_RANGE},
        {"{" FV ",\"rollout\":12.345" IMGS "}", ABOTA_ERR_MAN_RANGE},
        {"{" FV ",\"rollout\":-5" IMGS "}", ABOTA_ERR_MAN_RANGE},
        {"{" FV ",\"rollout\":1000000000000" IMGS "}", ABOTA_ERR_MAN_RANGE},
        {"{" FV ",\"poll_interval\":1e3" IMGS "}", ABOTA_ERR_MAN_TYPE},
        {"{" FV ",\"poll_interval\":0" IMGS "}", ABOTA_ERR_MAN_RANGE},
        {"{" FV ",\"report\":5" IMGS "}", ABOTA_ERR_MAN_TYPE},
        {"{" FV ",\"report\":\"\"" IMGS "}", ABOTA_ERR_MAN_URL},
        {"{" FV ",\"images\":{}}", ABOTA_ERR_MAN_TYPE},
        {"{" FV ",\"images\":[1]}", ABOTA_ERR_MAN_TYPE},
        {"{" FV ",\"images\":null}", ABOTA_ERR_MAN_TYPE},
        {"{" FV ",\"images\":[]}", ABOTA_ERR_MAN_IMAGES},
        {"{" FV ",\"images\":[" IMG1 "," IMG2 "," IMG1 "," IMG2 "]}", ABOTA_ERR_MAN_IMAGES},
        {"{" FV ",\"images\":[" IMG1 "," IMG1 "]}", ABOTA_ERR_MAN_SLOT},
        {"[]", ABOTA_ERR_MAN_TYPE},
        {"\"x\"", ABOTA_ERR_MAN_TYPE},
    };
#undef IMGS
#define SHA ",\"sha256\":\"" HEX64_A "\""
    static const struct want img[] = {
        {"{\"slot\":\"1\",\"url\":\"u\",\"length\":1" SHA "}", ABOTA_ERR_MAN_TYPE},
        {"{\"slot\":3,\"url\":\"u\",\"length\":1" SHA "}", ABOTA_ERR_MAN_SLOT},
        {"{\"slot\":-1,\"url\":\"u\",\"length\":1" SHA "}", ABOTA_ERR_MAN_RANGE},
        {"{\"slot\":0,\"url\":null,\"length\":1" SHA "}", ABOTA_ERR_MAN_TYPE},
        {"{\"slot\":0,\"url\":\"\",\"length\":1" SHA "}", ABOTA_ERR_MAN_URL},
        {"{\"slot\":0,\"url\":\"u\",\"length\":\"1\"" SHA "}", ABOTA_ERR_MAN_TYPE},
        {"{\"slot\":0,\"url\":\"u\",\"length\":0" SHA "}", ABOTA_ERR_MAN_RANGE},
        {"{\"slot\":0,\"url\":\"u\",\"length\":16777488" SHA "}", 0},
        {"{\"slot\":0,\"url\":\"u\",\"length\":16777489" SHA "}", ABOTA_ERR_MAN_RANGE},
        {"{\"slot\":0,\"url\":\"u\",\"length\":1,\"sha256\":123}", ABOTA_ERR_MAN_TYPE},
        {"[]", ABOTA_ERR_MAN_TYPE},
    };
#undef SHA
    static const struct want top[] = {
        {"{\"signed\":[],\"signature\":\"" SIG128 "\"}", ABOTA_ERR_MAN_TYPE},
        {"{\"signed\":" SIGNED_MIN ",\"signature\":1}", ABOTA_ERR_MAN_TYPE},
        {"[{\"signed\":" SIGNED_MIN ",\"signature\":\"" SIG128 "\"}]", ABOTA_ERR_MAN_TYPE},
    };
    expect_all(parse_signed, sig, sizeof sig / sizeof sig[0]);
    expect_all(parse_image, img, sizeof img / sizeof img[0]);
    expect_all(parse_text, top, sizeof top / sizeof top[0]);

    /* rollout: percent with up to two decimals, in hundredths */
    static const struct {
        const char *text;
        unsigned want;
    } rollouts[] = {{"0", 0}, {"0.01", 1}, {"10", 1000}, {"12.5", 1250}, {"99.99", 9999},
                    {"100", 10000}, {"100.0", 10000}, {"100.00", 10000}, {"0.5", 50}};
    for (size_t i = 0; i < sizeof rollouts / sizeof rollouts[0]; i++) {
        char s[512];
        snprintf(s, sizeof s, "{" FV ",\"rollout\":%s,\"images\":[" IMG1 "]}", rollouts[i].text);
        assert_int_equal(parse_signed(s), 0);
        assert_int_equal(m.rollout, rollouts[i].want);
    }
}

static void test_hex_and_strings(void **state)
{
    (void)state;
    static const struct want img[] = {
        {"{\"slot\":1,\"url\":\"u\",\"length\":1,\"sha256\":\"" HEX64_A "a\"}", ABOTA_ERR_MAN_HEX},
        {"{\"slot\":1,\"url\":\"u\",\"length\":1,\"sha256\":\"" HEX64_A "\"}", 0},
        {"{\"slot\":1,\"url\":\"u\",\"length\":1,\"sha256\":\"abc\"}", ABOTA_ERR_MAN_HEX},
        {"{\"slot\":1,\"url\":\"u\",\"length\":1,\"sha256\":\"\"}", ABOTA_ERR_MAN_HEX},
        {"{\"slot\":1,\"url\":\"u\",\"length\":1,\"sha256\":"
         "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaag\"}", ABOTA_ERR_MAN_HEX},
        {"{\"slot\":1,\"url\":\"u\",\"length\":1,\"sha256\":"
         "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa \"}", ABOTA_ERR_MAN_HEX},
        {"{\"slot\":1,\"url\":\"u\",\"length\":1,\"sha256\":"
         "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAa\"}", 0},
        /* escapes: never in a string abota reads, never in a key */
        {"{\"slot\":1,\"url\":\"http:\\/\\/h\\/u\",\"length\":1,\"sha256\":\"" HEX64_A "\"}",
         ABOTA_ERR_MAN_STRING},
        {"{\"slot\":1,\"url\":\"u\",\"length\":1,\"sha256\":\"\\u0061" HEX64_A "\"}",
         ABOTA_ERR_MAN_STRING},
        {"{\"sl\\u006ft\":1,\"url\":\"u\",\"length\":1,\"sha256\":\"" HEX64_A "\"}",
         ABOTA_ERR_MAN_STRING},
        /* ... but in an unknown field's value they are JSON, and ignored */
        {"{\"slot\":1,\"url\":\"u\",\"length\":1,\"sha256\":\"" HEX64_A "\",\"n\":\"a\\\"\\u00e9\"}",
         0},
    };
    expect_all(parse_image, img, sizeof img / sizeof img[0]);
    assert_int_equal(parse_signed("{\"format\":1,\"version\":\"1.2.\\u0030\",\"images\":[" IMG1 "]}"),
                     ABOTA_ERR_MAN_STRING);

    /* URL lengths: what abota_url_parse can hold, and one more */
    char url[ABOTA_URL_MAX + 1], img1[ABOTA_URL_MAX + 200];
    memset(url, 'u', sizeof url);
    url[ABOTA_URL_MAX - 1] = '\0';
    snprintf(img1, sizeof img1, "{\"slot\":1,\"url\":\"%s\",\"length\":1,\"sha256\":\"" HEX64_A "\"}",
             url);
    assert_int_equal(parse_image(img1), 0);
    assert_int_equal(m.images[0].url.len, ABOTA_URL_MAX - 1);
    url[ABOTA_URL_MAX - 1] = 'u';
    url[ABOTA_URL_MAX] = '\0';
    snprintf(img1, sizeof img1, "{\"slot\":1,\"url\":\"%s\",\"length\":1,\"sha256\":\"" HEX64_A "\"}",
             url);
    assert_int_equal(parse_image(img1), ABOTA_ERR_MAN_URL);
}

static void test_duplicates_and_unknown(void **state)
{
    (void)state;
    static const struct want sig[] = {
        {"{" FV ",\"version\":\"1.2.0\",\"images\":[" IMG1 "]}", ABOTA_ERR_MAN_DUPLICATE},
        {"{" FV ",\"format\":1,\"images\":[" IMG1 "]}", ABOTA_ERR_MAN_DUPLICATE},
        {"{" FV ",\"x\":{\"a\":1,\"a\":2},\"images\":[" IMG1 "]}", ABOTA_ERR_MAN_DUPLICATE},
        {"{" FV ",\"x\":[{\"a\":1},{\"a\":1}],\"images\":[" IMG1 "]}", 0},
        {"{" FV ",\"images\":[{\"slot\":1,\"slot\":2,\"url\":\"u\",\"length\":1,\"sha256\":\"" HEX64_A
         "\"}]}", ABOTA_ERR_MAN_DUPLICATE},
        /* unknown keys anywhere, of any JSON type, are ignored */
        {"{\"future\":{\"deep\":[1,2,{\"x\":null}],\"s\":\"t\"}," FV ",\"b\":true,\"n\":-1.5e+3,"
         "\"images\":[{\"slot\":1,\"url\":\"u1.bin\",\"length\":1000,\"sha256\":\"" HEX64_A
         "\",\"delta\":{\"from\":\"1.1.0\"}}],\"z\":[]}", 0},
    };
    expect_all(parse_signed, sig, sizeof sig / sizeof sig[0]);
    assert_int_equal(m.nimages, 1);
    assert_int_equal(m.images[0].length, 1000);
    static const struct want top[] = {
        {"{\"signed\":" SIGNED_MIN ",\"signed\":" SIGNED_MIN ",\"signature\":\"" SIG128 "\"}",
         ABOTA_ERR_MAN_DUPLICATE},
        {"{\"signed\":" SIGNED_MIN ",\"signature\":\"" SIG128 "\",\"signature\":\"" SIG128 "\"}",
         ABOTA_ERR_MAN_DUPLICATE},
        {"{\"comment\":\"x\",\"signed\":" SIGNED_MIN ",\"signature\":\"" SIG128 "\",\"k\":[]}", 0},
    };
    expect_all(parse_text, top, sizeof top / sizeof top[0]);
}

static void test_not_json(void **state)
{
    (void)state;
    static const struct want top[] = {
        {"{\"signed\":" SIGNED_MIN " \"signature\":\"" SIG128 "\"}", ABOTA_ERR_MAN_JSON},
        {"{\"signed\":" SIGNED_MIN ",,\"signature\":\"" SIG128 "\"}", ABOTA_ERR_MAN_JSON},
        {"{\"signed\":" SIGNED_MIN ",\"signature\":\"" SIG128 "\",}", ABOTA_ERR_MAN_JSON},
        {"{,\"signed\":" SIGNED_MIN ",\"signature\":\"" SIG128 "\"}", ABOTA_ERR_MAN_JSON},
        {"{\"signed\"" SIGNED_MIN ",\"signature\":\"" SIG128 "\"}", ABOTA_ERR_MAN_JSON},
        {"{\"signed\"::" SIGNED_MIN ",\"signature\":\"" SIG128 "\"}", ABOTA_ERR_MAN_JSON},
        {"{\"signed\":" SIGNED_MIN ",\"signature\":\"" SIG128 "\",\"x\"}", ABOTA_ERR_MAN_JSON},
        {"{\"signed\":" SIGNED_MIN ",\"signature\":\"" SIG128 "\",\"x\":tru}", ABOTA_ERR_MAN_JSON},
        {"{\"signed\":" SIGNED_MIN ",\"signature\":\"" SIG128 "\",\"x\":01}", ABOTA_ERR_MAN_JSON},
        {"{\"signed\":" SIGNED_MIN ",\"signature\":\"" SIG128 "\",\"x\":1.}", ABOTA_ERR_MAN_JSON},
        {"{\"signed\":" SIGNED_MIN ",\"signature\":\"" SIG128 "\",\"x\":-}", ABOTA_ERR_MAN_JSON},
        {"{\"signed\":" SIGNED_MIN ",\"signature\":\"" SIG128 "\",\"x\":1e}", ABOTA_ERR_MAN_JSON},
        {"{\"signed\":" SIGNED_MIN ",\"signature\":\"" SIG128 "\",\"x\":[1,]}", ABOTA_ERR_MAN_JSON},
        {"{\"signed\":" SIGNED_MIN ",\"signature\":\"" SIG128 "\",\"x\":[1 2]}", ABOTA_ERR_MAN_JSON},
        {"{\"signed\":" SIGNED_MIN ",\"signature\":\"" SIG128 "\",\"x\":[\"a\":1]}", ABOTA_ERR_MAN_JSON},
        {"{\"signed\":" SIGNED_MIN ",\"signature\":\"" SIG128 "\",\"x\":\"a\tb\"}", ABOTA_ERR_MAN_JSON},
        {"{\"signed\":" SIGNED_MIN ",\"signature\":\"" SIG128 "\",\"x\":'a'}", ABOTA_ERR_MAN_JSON},
        {"{\"signed\":" SIGNED_MIN ",\"signature\":\"" SIG128 "\",x:1}", ABOTA_ERR_MAN_JSON},
        {"{\"signed\":" SIGNED_MIN ",\"signature\":\"" SIG128 "\",\"x\":\"\\q\"}", ABOTA_ERR_MAN_JSON},
        {"{\"signed\":" SIGNED_MIN ",\"signature\":\"" SIG128 "\"}}", ABOTA_ERR_MAN_JSON},
        {"{\"signed\":" SIGNED_MIN ",\"signature\":\"" SIG128 "\"} {}", ABOTA_ERR_MAN_JSON},
        {"{\"signed\":" SIGNED_MIN ",\"signature\":\"" SIG128 "\"} x", ABOTA_ERR_MAN_JSON},
        {"{\"signed\":" SIGNED_MIN ",\"signature\":\"" SIG128 "\"]", ABOTA_ERR_MAN_JSON},
        {"/**/{\"signed\":" SIGNED_MIN ",\"signature\":\"" SIG128 "\"}", ABOTA_ERR_MAN_JSON},
        {"\xef\xbb\xbf{\"signed\":" SIGNED_MIN ",\"signature\":\"" SIG128 "\"}", ABOTA_ERR_MAN_JSON},
        /* whitespace around the document is JSON */
        {" \r\n\t{\"signed\":" SIGNED_MIN ",\"signature\":\"" SIG128 "\"}\n", 0},
    };
    expect_all(parse_text, top, sizeof top / sizeof top[0]);

    /* a NUL inside: jsmn would stop there and hide the rest */
    int n = snprintf(buf, sizeof buf, "{\"signed\":" SIGNED_MIN ",\"signature\":\"" SIG128 "\"}  ");
    buf[n - 1] = '\0';
    assert_int_equal(abota_manifest_parse(&m, buf, (size_t)n), ABOTA_ERR_MAN_JSON);
    assert_int_equal(abota_manifest_parse(&m, buf, (size_t)n - 1), 0);
    assert_int_equal(abota_manifest_parse(NULL, buf, 1), ABOTA_ERR_ARG);
    assert_int_equal(abota_manifest_parse(&m, NULL, 1), ABOTA_ERR_ARG);
}

static void test_truncated(void **state)
{
    (void)state;
    size_t len = strlen(manifest_a);
    for (size_t cut = 0; cut < len; cut++) {
        int err = abota_manifest_parse(&m, manifest_a, cut);
        if (err != ABOTA_ERR_MAN_TRUNCATED)
            fail_msg("first %u bytes: %s", (unsigned)cut, abota_strerror_name(err));
    }
    assert_int_equal(abota_manifest_parse(&m, manifest_a, len), 0);
    assert_int_equal(abota_manifest_parse(&m, "  \n", 3), ABOTA_ERR_MAN_TRUNCATED);
}

static void test_limits(void **state)
{
    (void)state;
    /* ABOTA_MANIFEST_MAX bytes (padded with spaces) pass, one more does not */
    size_t len = strlen(manifest_a);
    memset(buf, ' ', sizeof buf);
    memcpy(buf, manifest_a, len);
    assert_int_equal(abota_manifest_parse(&m, buf, ABOTA_MANIFEST_MAX), 0);
    assert_int_equal(abota_manifest_verify(&m, buf, ABOTA_MANIFEST_MAX, sig_key_a), 0);
    assert_int_equal(abota_manifest_parse(&m, buf, ABOTA_MANIFEST_MAX + 1),
                     ABOTA_ERR_MAN_TOO_LARGE);

    /* tokens: the good manifest plus unknown fields up to the limit */
    char s[ABOTA_MANIFEST_MAX];
    int tokens = 0, n;
    for (int extra = 0;; extra++) {
        int p = snprintf(s, sizeof s, "{" FV ",\"images\":[" IMG1 "]");
        for (int k = 0; k < extra; k++)
            p += snprintf(s + p, sizeof s - (size_t)p, ",\"x%d\":0", k);
        snprintf(s + p, sizeof s - (size_t)p, "}");
        n = parse_signed(s);
        if (n != 0) {
            /* 5 top tokens + 4 (format, version) + 2 (images, array) + 9 per image + 2 each */
            tokens = 5 + 4 + 2 + 9 + 2 * extra;
            break;
        }
    }
    assert_int_equal(n, ABOTA_ERR_MAN_TOKENS);
    assert_true(tokens > ABOTA_MANIFEST_TOKENS_MAX && tokens <= ABOTA_MANIFEST_TOKENS_MAX + 2);

    /* depth: eight levels in all pass, nine do not */
    assert_int_equal(parse_signed("{" FV ",\"images\":[" IMG1 "],\"x\":[[[[[[]]]]]]}"), 0);
    assert_int_equal(parse_signed("{" FV ",\"images\":[" IMG1 "],\"x\":[[[[[[[]]]]]]]}"),
                     ABOTA_ERR_MAN_DEPTH);
}

static void test_pick(void **state)
{
    (void)state;
    const struct abota_manifest_image *img = NULL;
    assert_int_equal(parse_signed(SIGNED_TWO), 0);
    assert_int_equal(abota_manifest_pick(&m, ABOTA_SLOT_1, &img), 0);
    assert_ptr_equal(img, &m.images[0]);
    assert_int_equal(abota_manifest_pick(&m, ABOTA_SLOT_2, &img), 0);
    assert_ptr_equal(img, &m.images[1]);
    assert_int_equal(abota_manifest_pick(&m, ABOTA_SLOT_ANY, &img), ABOTA_ERR_SLOT_INVALID);
    assert_int_equal(abota_manifest_pick(&m, 3, &img), ABOTA_ERR_SLOT_INVALID);

    assert_int_equal(parse_signed("{" FV ",\"images\":[" IMG2 "]}"), 0);
    img = NULL;
    assert_int_equal(abota_manifest_pick(&m, ABOTA_SLOT_1, &img), ABOTA_ERR_MAN_NO_IMAGE);
    assert_null(img);
    assert_int_equal(abota_manifest_pick(&m, ABOTA_SLOT_2, &img), 0);
    assert_int_equal(img->length, 2000);

    /* slot 0 serves either slot; an exact entry wins over it */
    assert_int_equal(parse_signed("{" FV ",\"images\":[{\"slot\":0,\"url\":\"any.bin\","
                                  "\"length\":7,\"sha256\":\"" HEX64_A "\"}," IMG2 "]}"), 0);
    assert_int_equal(abota_manifest_pick(&m, ABOTA_SLOT_1, &img), 0);
    assert_int_equal(img->slot, 0);
    span_is(buf, img->url, "any.bin");
    assert_int_equal(abota_manifest_pick(&m, ABOTA_SLOT_2, &img), 0);
    assert_int_equal(img->slot, 2);

    /* the span copy says when the buffer is short */
    char small[7];
    assert_int_equal(abota_manifest_copy(buf, m.images[0].url, small, sizeof small),
                     ABOTA_ERR_NOSPACE);
    assert_string_equal(small, "");
    char fits[8];
    assert_int_equal(abota_manifest_copy(buf, m.images[0].url, fits, sizeof fits), 7);
    assert_string_equal(fits, "any.bin");
}

/* The share of 10,000 ids in the rollout, for m's release. */
static unsigned share(unsigned rollout)
{
    unsigned in = 0;
    m.rollout = (uint16_t)rollout;
    for (unsigned i = 0; i < 10000; i++) {
        char id[16];
        int n = snprintf(id, sizeof id, "dev-%05u", i);
        in += abota_manifest_in_rollout(&m, (const uint8_t *)id, (size_t)n);
    }
    return in;
}

static void test_rollout(void **state)
{
    (void)state;
    assert_int_equal(parse_signed(SIGNED_MIN), 0);
    static const unsigned shares[] = {0, 1000, 1250, 5000, 10000};
    for (size_t i = 0; i < sizeof shares / sizeof shares[0]; i++) {
        unsigned got = share(shares[i]);
        /* within 2 percentage points of 10,000 */
        if (got + 200 < shares[i] || got > shares[i] + 200)
            fail_msg("rollout %u/10000: %u of 10000 ids", shares[i], got);
        if (shares[i] == 0 || shares[i] == 10000)
            assert_int_equal(got, shares[i]);
    }

    /* stable, and a larger share only adds devices */
    for (unsigned i = 0; i < 500; i++) {
        uint8_t id[4] = {(uint8_t)i, (uint8_t)(i >> 8), 0x5a, 0xa5};
        m.rollout = 1000;
        bool at10 = abota_manifest_in_rollout(&m, id, sizeof id);
        assert_true(abota_manifest_in_rollout(&m, id, sizeof id) == at10);
        m.rollout = 5000;
        bool at50 = abota_manifest_in_rollout(&m, id, sizeof id);
        assert_true(!at10 || at50);
    }

    /* each release draws its own devices: two 50% shares overlap by chance, on
     * about half */
    unsigned both = 0, first = 0;
    for (unsigned i = 0; i < 2000; i++) {
        uint8_t id[2] = {(uint8_t)i, (uint8_t)(i >> 8)};
        m.rollout = 5000;
        m.version = abota_version_pack(1, 2, 0);
        bool a = abota_manifest_in_rollout(&m, id, sizeof id);
        m.version = abota_version_pack(1, 3, 0);
        bool b = abota_manifest_in_rollout(&m, id, sizeof id);
        first += a;
        both += a && b;
    }
    assert_in_range(both * 100 / first, 40, 60);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_verify),
        cmocka_unit_test(test_missing),
        cmocka_unit_test(test_types_and_ranges),
        cmocka_unit_test(test_hex_and_strings),
        cmocka_unit_test(test_duplicates_and_unknown),
        cmocka_unit_test(test_not_json),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_pick),
        cmocka_unit_test(test_rollout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#else

int main(void)
{
    printf("manifest: not built (ABOTA_FEATURE_MANIFEST=0)\n");
    return 77;
}

#endif
