/* Built against abota from outside its tree (tests/consumer/CMakeLists.txt,
 * or pkg-config): each check fails when an include path, a library, a
 * link dependency or a compile definition did not reach this program. */
#include <stdio.h>
#include <string.h>

#include "abota/abota.h"

static int fails;

static void check(int ok, const char *what)
{
    if (!ok) {
        printf("FAIL: %s\n", what);
        fails++;
    }
}

int main(void)
{
    uint32_t v = 0;
    check(abota_version_parse(ABOTA_VERSION_STRING, &v) == 0 &&
              v == abota_version_pack(ABOTA_VERSION_MAJOR, ABOTA_VERSION_MINOR,
                                      ABOTA_VERSION_PATCH),
          "abota_version_parse(ABOTA_VERSION_STRING)");
#ifdef CONSUMER_PACKAGE_VERSION
    check(strcmp(CONSUMER_PACKAGE_VERSION, ABOTA_VERSION_STRING) == 0,
          "the package's version is the headers' ABOTA_VERSION_STRING");
#endif
    check(abota_crc32_update(0, "123456789", 9) == 0xCBF43926u, "CRC-32 check value");
    check(strcmp(abota_strerror(ABOTA_ERR_ARG), "invalid argument") == 0, "abota_strerror");

    /* On the host SHA-256 comes from mbedTLS: it links only when the
     * library's own link dependency came along. */
    static const uint8_t abc[ABOTA_SHA256_SIZE] = {
        0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde,
        0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
        0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
    uint8_t d[ABOTA_SHA256_SIZE];
    abota_sha256("abc", 3, d);
    check(memcmp(d, abc, sizeof d) == 0, "SHA-256 of \"abc\"");

    /* The headers describe the library that was built: an IPv6 literal
     * parses in the library exactly when the headers say it is compiled in
     * (the small profile leaves it out, and changes struct layouts). */
    struct abota_url url;
    int rc = abota_url_parse("http://[::1]:3344/user1.bin", &url);
    check((rc == 0) == (ABOTA_FEATURE_IPV6 == 1), "library and headers agree on the profile");
#ifdef CONSUMER_EXPECT_SMALL
    check(ABOTA_FEATURE_IPV6 == 0 && ABOTA_FEATURE_RESUME == 0, "the small profile's headers");
#else
    check(ABOTA_FEATURE_IPV6 == 1 && ABOTA_FEATURE_RESUME == 1, "the default profile's headers");
#endif

    if (fails)
        return 1;
    printf("consumer ok: abota %s, %s profile\n", ABOTA_VERSION_STRING,
           ABOTA_FEATURE_RESUME ? "default" : "small");
    return 0;
}
