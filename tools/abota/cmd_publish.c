/* abota publish: a release directory for any static HTTP server: the
 * signed images and the signed manifest that names them (docs/MANIFEST.md). */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "abota/error.h"
#include "abota/image.h"
#include "abota/manifest.h"
#include "abota/sha256.h"
#include "abota/url.h"
#include "cli.h"
#include "keys.h"

#define WHO "abota publish"

static void publish_usage(FILE *out)
{
    fprintf(out,
            "usage: abota publish DIR --version X.Y.Z --key KEY.pem [--security-version N]\n"
            "                     [--rollout P] [--min-version X.Y.Z] [--poll-interval S]\n"
            "                     [--report URL] [--base-url URL] [--name manifest.json]\n"
            "                     IMAGE...\n"
            "\n"
            "Writes a release into DIR for any static HTTP server: each IMAGE, signed, under\n"
            "its own file name, then DIR/manifest.json, the signed release manifest that\n"
            "names them (docs/MANIFEST.md). The manifest is written last, so a device never\n"
            "reads one that names images not yet there.\n"
            "\n"
            "An IMAGE that is an abota image must be of --version and signed by KEY; one\n"
            "that is not (raw firmware or an Espressif user bin) is packed and signed here\n"
            "as abota pack --key does. The slot of each comes from its footer or its\n"
            "Espressif header (user1/user2), else it serves either slot; at most one image\n"
            "per slot.\n"
            "\n"
            "  --version X.Y.Z        the release (0-255.0-255.0-65535)\n"
            "  --key KEY.pem          ECDSA P-256 private key: signs the manifest and the\n"
            "                         images packed here, checks the others\n"
            "  --security-version N   anti-rollback counter of the release (default: the\n"
            "                         images', which must agree; 0 for raw firmware)\n"
            "  --rollout P            percent of devices that take the release, 0 to 100\n"
            "                         with up to two decimals (default 100)\n"
            "  --min-version X.Y.Z    devices below it do not take the release\n"
            "  --poll-interval S      seconds devices wait before asking again\n"
            "  --report URL           where devices report the outcome (http:// or https://)\n"
            "  --base-url URL         image URLs are URL/NAME (default: NAME, relative to the\n"
            "                         manifest's own URL)\n"
            "  --name FILE            the manifest's file name (default manifest.json)\n"
            CLI_VERBOSITY_HELP);
}

struct pub_image {
    const char *src;     /* as given */
    const char *name;    /* its file name in DIR */
    uint8_t *data;       /* the image as it goes into DIR */
    size_t len;
    int slot;
    uint8_t sha256[ABOTA_SHA256_SIZE];
    const char *how;     /* "packed and signed now", "as given" */
};

/* A file name devices can fetch and servers serve: letters, digits, '.',
 * '-', '_', not hidden. */
static int good_name(const char *s)
{
    if (!*s || *s == '.' || strlen(s) >= ABOTA_URL_MAX)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '.' || *s == '-' || *s == '_'))
            return 0;
    return 1;
}

/* An absolute http(s) URL the device reader takes as written: no byte
 * JSON would escape (the reader refuses escapes), none outside visible
 * ASCII, short enough, and abota_url_parse accepts it. */
static int good_url(const char *what, const char *url)
{
    struct abota_url u;
    for (const char *p = url; *p; p++)
        if (*p <= ' ' || *p > '~' || *p == '"' || *p == '\\') {
            fprintf(stderr, WHO ": %s '%s': a space, quote, backslash or non-ASCII byte; "
                            "escape it as %%XX\n", what, url);
            return 0;
        }
    int err = strlen(url) >= ABOTA_URL_MAX ? ABOTA_ERR_URL_TOO_LONG : abota_url_parse(url, &u);
    if (err < 0) {
        fprintf(stderr, WHO ": %s '%s': %s\n", what, url, abota_strerror(err));
        return 0;
    }
    return 1;
}

/* "P" or "P.D" or "P.DD", 0..100, into hundredths of a percent: what the
 * device reader takes. */
static int parse_rollout(const char *s, unsigned *out)
{
    unsigned v = 0, digits = 0, decimals = 0;
    const char *p = s;
    for (; *p >= '0' && *p <= '9'; p++, digits++)
        v = v * 10 + (unsigned)(*p - '0');
    if (digits == 0 || digits > 3 || (digits > 1 && s[0] == '0'))
        return -1;
    v *= 100;
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9' && decimals < 3; p++, decimals++)
            v += (unsigned)(*p - '0') * (decimals == 0 ? 10u : 1u);
        if (decimals == 0 || decimals > 2)
            return -1;
    }
    if (*p || v > ABOTA_MANIFEST_ROLLOUT_ALL)
        return -1;
    *out = v;
    return 0;
}

/* The JSON number for hundredths of a percent: "12.5", "100", "0.05". */
static void format_rollout(unsigned v, char buf[16])
{
    if (v % 100 == 0)
        snprintf(buf, 16, "%u", v / 100);
    else if (v % 10 == 0)
        snprintf(buf, 16, "%u.%u", v / 100, v % 100 / 10);
    else
        snprintf(buf, 16, "%u.%02u", v / 100, v % 100);
}

/* Text appended to a bounded buffer; any overflow sticks. */
struct text {
    char buf[2 * ABOTA_MANIFEST_MAX];
    size_t len;
    int overflow;
};

__attribute__((format(printf, 2, 3))) static void put(struct text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->buf + t->len, sizeof t->buf - t->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof t->buf - t->len)
        t->overflow = 1;
    else
        t->len += (size_t)n;
}

static void put_hex(struct text *t, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put(t, "%02x", p[i]);
}

struct release {
    uint32_t version, security_version, min_version, poll_interval;
    int has_min_version;
    unsigned rollout;
    const char *report, *base_url;
};

/* The "signed" object, laid out for people to read; its bytes are what
 * the signature covers. */
static void signed_object(struct text *t, const struct release *r, const struct pub_image *img,
                          size_t n)
{
    char v[16], rollout[16];
    abota_version_format(r->version, v, sizeof v);
    format_rollout(r->rollout, rollout);
    put(t, "{\n    \"format\": %d,\n    \"version\": \"%s\",\n", ABOTA_MANIFEST_FORMAT, v);
    put(t, "    \"security_version\": %u,\n", r->security_version);
    if (r->has_min_version) {
        abota_version_format(r->min_version, v, sizeof v);
        put(t, "    \"min_version\": \"%s\",\n", v);
    }
    put(t, "    \"rollout\": %s,\n", rollout);
    if (r->poll_interval)
        put(t, "    \"poll_interval\": %u,\n", r->poll_interval);
    if (r->report)
        put(t, "    \"report\": \"%s\",\n", r->report);
    put(t, "    \"images\": [\n");
    for (size_t i = 0; i < n; i++) {
        const char *base = r->base_url ? r->base_url : "";
        const char *sep = r->base_url && base[strlen(base) - 1] != '/' ? "/" : "";
        put(t, "      {\"slot\": %d, \"url\": \"%s%s%s\", \"length\": %zu, \"sha256\": \"",
            img[i].slot, base, sep, img[i].name, img[i].len);
        put_hex(t, img[i].sha256, sizeof img[i].sha256);
        put(t, "\"}%s\n", i + 1 < n ? "," : "");
    }
    put(t, "    ]\n  }");
}

/* Reads IMAGE and makes it a signed abota image of the release: checked
 * as it is, or packed and signed here. */
static int prepare(struct pub_image *img, struct cli_key *key, const struct release *r,
                   int sec_given, uint32_t *sec_seen, int *sec_known)
{
    uint8_t *buf;
    size_t len;
    const char *slash = strrchr(img->src, '/');
    img->name = slash ? slash + 1 : img->src;
    if (!good_name(img->name)) {
        fprintf(stderr, WHO ": %s: the file name must be letters, digits, '.', '-' or '_', "
                        "not starting with '.'\n", img->src);
        return -1;
    }
    if (cli_read_file(WHO, img->src, ABOTA_IMAGE_PAYLOAD_MAX + CLI_PACK_TAIL_MAX, &buf, &len) < 0)
        return -1;
    struct abota_image_info info;
    int has_footer = len >= ABOTA_FOOTER_SIZE && !memcmp(buf + len - ABOTA_FOOTER_SIZE, "ABOT", 4);
    int err = abota_image_verify_buf(buf, len, &info);
    img->data = buf;
    img->len = len;
    if (has_footer) {
        struct abota_footer *f = &info.footer;
        char v[16], want[16];
        if (err < 0 || info.kind != ABOTA_IMAGE_ABOTA) {
            fprintf(stderr, WHO ": %s: an abota image that does not verify: %s\n", img->src,
                    abota_strerror(err < 0 ? err : ABOTA_ERR_IMG_NO_FOOTER));
            return -1;
        }
        abota_version_format(f->version, v, sizeof v);
        abota_version_format(r->version, want, sizeof want);
        if (f->version != r->version) {
            fprintf(stderr, WHO ": %s is version %s, the release is %s\n", img->src, v, want);
            return -1;
        }
        if ((err = keys_check_footer(key, f)) < 0) {
            fprintf(stderr, WHO ": %s: %s\n", img->src,
                    err == ABOTA_ERR_SIG_INVALID ? "signed by another key than --key (or "
                                                   "changed after signing)"
                                                 : abota_strerror(err));
            return -1;
        }
        if (sec_given && f->security_version != r->security_version) {
            fprintf(stderr, WHO ": %s has security version %u, --security-version says %u\n",
                    img->src, f->security_version, r->security_version);
            return -1;
        }
        if (*sec_known && f->security_version != *sec_seen) {
            fprintf(stderr, WHO ": %s has security version %u, another image %u: one release, "
                            "one security version\n", img->src, f->security_version, *sec_seen);
            return -1;
        }
        *sec_seen = f->security_version;
        *sec_known = 1;
        img->slot = f->target_slot;
        img->how = "signed image, as given";
    } else {
        struct abota_footer f;
        const char *what;
        uint8_t tail[CLI_PACK_TAIL_MAX];
        memset(&f, 0, sizeof f);
        f.version = r->version;
        f.security_version = r->security_version;
        if (len == 0) {
            fprintf(stderr, WHO ": %s is empty: nothing to publish\n", img->src);
            return -1;
        }
        if (cli_pack_footer(WHO, img->src, buf, len, -1, key, &f, &what) < 0)
            return -1;
        size_t tail_len = cli_pack_tail(&f, tail);
        uint8_t *whole = realloc(buf, len + tail_len);
        if (!whole) {
            fprintf(stderr, WHO ": out of memory\n");
            return -1;
        }
        memcpy(whole + len, tail, tail_len);
        img->data = whole;
        img->len = len + tail_len;
        img->slot = f.target_slot;
        img->how = "packed and signed now";
        (void)what;
    }
    abota_sha256(img->data, img->len, img->sha256);
    return 0;
}

/* The whole document: signed, checked with the device's own reader and
 * verifier, written last. */
static int write_manifest(const char *dir, const char *name, struct cli_key *key,
                          const struct release *r, const struct pub_image *img, size_t n)
{
    static struct text doc;
    struct text body = {.len = 0};
    uint8_t digest[ABOTA_SHA256_SIZE], sig[KEYS_SIG_SIZE], xy[KEYS_XY_SIZE];
    struct abota_manifest m;

    signed_object(&body, r, img, n);
    if (body.overflow) {
        fprintf(stderr, WHO ": the manifest is too long (over %u bytes)\n", ABOTA_MANIFEST_MAX);
        return -1;
    }
    abota_sha256(body.buf, body.len, digest);
    if (keys_sign_digest(WHO, key, digest, sig) < 0 || keys_public_xy(key, xy) < 0)
        return -1;
    doc.len = 0;
    put(&doc, "{\n  \"signed\": %s,\n  \"signature\": \"", body.buf);
    put_hex(&doc, sig, sizeof sig);
    put(&doc, "\"\n}\n");
    if (doc.overflow || doc.len > ABOTA_MANIFEST_MAX) {
        fprintf(stderr, WHO ": the manifest would be %zu bytes, over the %u devices read "
                        "(ABOTA_MANIFEST_MAX): shorten --base-url, --report or the names\n",
                doc.len, ABOTA_MANIFEST_MAX);
        return -1;
    }
    int err = abota_manifest_parse(&m, doc.buf, doc.len);
    if (err == 0)
        err = abota_manifest_verify(&m, doc.buf, doc.len, xy);
    if (err < 0) {
        fprintf(stderr, WHO ": the manifest made does not read back: %s; not writing it\n",
                abota_strerror(err));
        return -1;
    }
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) {
        fprintf(stderr, WHO ": path too long\n");
        return -1;
    }
    if (cli_write_file(WHO, path, doc.buf, doc.len, NULL, 0, 0644, CLI_OVERWRITE) < 0)
        return -1;
    char fp[KEYS_FINGERPRINT_HEX], v[16], rollout[16];
    abota_version_format(r->version, v, sizeof v);
    format_rollout(r->rollout, rollout);
    if (keys_fingerprint(key, fp) < 0)
        return -1;
    printf("%s: release %s, security version %u, rollout %s%%, %zu image%s, %zu bytes, "
           "signed with key SHA256:%s\n", path, v, r->security_version, rollout, n,
           n == 1 ? "" : "s", doc.len, fp);
    return 0;
}

/* Each image into DIR under its name. */
static int write_images(const char *dir, const struct pub_image *img, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        if (snprintf(path, sizeof path, "%s/%s", dir, img[i].name) >= (int)sizeof path) {
            fprintf(stderr, WHO ": path too long\n");
            return -1;
        }
        if (cli_write_file(WHO, path, img[i].data, img[i].len, NULL, 0, 0644, CLI_OVERWRITE) < 0)
            return -1;
        printf("%s: slot %s, %zu bytes, %s\n", path,
               img[i].slot == 1 ? "1" : img[i].slot == 2 ? "2" : "any", img[i].len, img[i].how);
    }
    return 0;
}

static int check_slots(const struct pub_image *img, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < i; k++) {
            if (img[i].slot == img[k].slot) {
                fprintf(stderr, WHO ": %s and %s are both for slot %s: one image per slot\n",
                        img[k].src, img[i].src, img[i].slot ? (img[i].slot == 1 ? "1" : "2")
                                                             : "any");
                return -1;
            }
            if (!strcmp(img[i].name, img[k].name)) {
                fprintf(stderr, WHO ": %s and %s have the same file name\n", img[k].src,
                        img[i].src);
                return -1;
            }
        }
    return 0;
}

static const char *option_name(const struct option *opts, int c)
{
    for (; opts->name; opts++)
        if (opts->val == c)
            return opts->name;
    return "?";
}

static int parse_options(int argc, char **argv, struct release *r, const char **key_path,
                         const char **name, int *sec_given)
{
    static const struct option opts[] = {
        {"version", required_argument, NULL, 'V'},
        {"key", required_argument, NULL, 'k'},
        {"security-version", required_argument, NULL, 'S'},
        {"rollout", required_argument, NULL, 'r'},
        {"min-version", required_argument, NULL, 'm'},
        {"poll-interval", required_argument, NULL, 'p'},
        {"report", required_argument, NULL, 'R'},
        {"base-url", required_argument, NULL, 'b'},
        {"name", required_argument, NULL, 'n'},
        CLI_VERBOSITY_OPTIONS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *version = NULL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":hqv", opts, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case 'V': version = optarg; break;
        case 'k': *key_path = optarg; break;
        case 'S': bad = cli_parse_u32(optarg, &r->security_version) < 0; *sec_given = 1; break;
        case 'r': bad = parse_rollout(optarg, &r->rollout) < 0; break;
        case 'm': bad = abota_version_parse(optarg, &r->min_version) < 0; r->has_min_version = 1; break;
        case 'p': bad = cli_parse_u32(optarg, &r->poll_interval) < 0 || !r->poll_interval; break;
        case 'R': r->report = optarg; bad = !good_url("--report", optarg); break;
        case 'b': r->base_url = optarg; break;
        case 'n': *name = optarg; bad = !good_name(optarg); break;
        case 'q': case 'v': cli_verbosity_option(c); break;
        case 'h': publish_usage(stdout); return 0;
        default: return cli_option_error(WHO, c, argv, publish_usage);
        }
        if (bad) {
            fprintf(stderr, WHO ": --%s '%s': %s\n", option_name(opts, c), optarg,
                    c == 'S'   ? "a whole number from 0 to 4294967295"
                    : c == 'r' ? "a percentage from 0 to 100 with at most two decimals"
                    : c == 'm' ? abota_strerror(ABOTA_ERR_IMG_VERSION)
                    : c == 'p' ? "a whole number of seconds from 1 to 4294967295"
                    : c == 'n' ? "a file name of letters, digits, '.', '-', '_'"
                               : "see above");
            return 2;
        }
    }
    if (!version || !*key_path || argc - optind < 2) {
        fprintf(stderr, WHO ": %s\n", !version     ? "--version is required"
                                      : !*key_path ? "--key is required: a release is signed"
                                                   : "DIR and at least one IMAGE are required");
        publish_usage(stderr);
        return 2;
    }
    if (cli_quiet_stdout(WHO) < 0)
        return 1;
    if (argc - optind - 1 > ABOTA_MANIFEST_IMAGES_MAX) {
        fprintf(stderr, WHO ": at most %d images, one per slot\n", ABOTA_MANIFEST_IMAGES_MAX);
        return 2;
    }
    int err = abota_version_parse(version, &r->version);
    if (err < 0) {
        fprintf(stderr, WHO ": --version '%s': %s\n", version, abota_strerror(err));
        return 2;
    }
    if (r->base_url) {
        char probe[ABOTA_URL_MAX * 2];
        snprintf(probe, sizeof probe, "%s/x", r->base_url);
        if (!good_url("--base-url", r->base_url) || !good_url("--base-url", probe))
            return 2;
    }
    return -1; /* go on */
}

int cmd_publish(int argc, char **argv)
{
    struct release r = {.rollout = ABOTA_MANIFEST_ROLLOUT_ALL};
    const char *key_path = NULL, *name = "manifest.json";
    int sec_given = 0, sec_known = 0, ret = 1;
    uint32_t sec_seen = 0;
    int rc = parse_options(argc, argv, &r, &key_path, &name, &sec_given);
    if (rc >= 0)
        return rc;
    const char *dir = argv[optind];
    size_t n = (size_t)(argc - optind - 1);
    struct pub_image img[ABOTA_MANIFEST_IMAGES_MAX];
    memset(img, 0, sizeof img);
    for (size_t i = 0; i < n; i++)
        img[i].src = argv[optind + 1 + i];

    struct cli_key *key = NULL;
    if (keys_load(WHO, key_path, &key) < 0)
        return 1;
    if (!keys_is_private(key)) {
        fprintf(stderr, WHO ": %s is a public key; signing needs the private key\n", key_path);
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        if (prepare(&img[i], key, &r, sec_given, &sec_seen, &sec_known) < 0)
            goto out;
    if (!sec_given)
        r.security_version = sec_seen;
    for (size_t i = 0; i < n && !sec_given; i++)
        if (!strcmp(img[i].how, "packed and signed now") && sec_seen) {
            fprintf(stderr, WHO ": %s was packed with security version 0, the other images "
                            "have %u: give --security-version\n", img[i].src, sec_seen);
            goto out;
        }
    if (check_slots(img, n) < 0)
        goto out;
    if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
        fprintf(stderr, WHO ": cannot create %s: %s\n", dir, strerror(errno));
        goto out;
    }
    if (write_images(dir, img, n) == 0 && write_manifest(dir, name, key, &r, img, n) == 0)
        ret = 0;
out:
    for (size_t i = 0; i < n; i++)
        free(img[i].data);
    keys_free(key);
    return ret;
}
