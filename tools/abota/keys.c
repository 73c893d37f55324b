/* ECDSA P-256 keys through mbedTLS: generate, load, sign, verify (keys.h).
 * Written for mbedTLS 2.28 (Debian 12); the few calls 3.x changed are
 * bridged below. */
#include "keys.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/bignum.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/pk.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/version.h>

#include "abota/sha256.h"
#include "cli.h"

/* 3.x made the key pair's fields private and gave the key parser an RNG. */
#if MBEDTLS_VERSION_MAJOR >= 3
#define KP(field) MBEDTLS_PRIVATE(field)
#define parse_keyfile(k, path) \
    mbedtls_pk_parse_keyfile(&(k)->pk, path, NULL, mbedtls_ctr_drbg_random, &(k)->drbg)
#else
#define KP(field) field
#define parse_keyfile(k, path) mbedtls_pk_parse_keyfile(&(k)->pk, path, NULL)
#endif

#define HOW_TO_MAKE "abota keygen, or openssl ecparam -genkey -name prime256v1 -noout"

struct cli_key {
    mbedtls_pk_context pk;
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg; /* key generation, signature blinding */
    int priv;
};

static void say_mbedtls(const char *who, const char *what, int ret)
{
    char msg[128];
    mbedtls_strerror(ret, msg, sizeof msg);
    fprintf(stderr, "%s: %s: %s (mbedTLS -0x%04X)\n", who, what, msg, (unsigned)-ret);
}

/* A key with its random generator seeded from the system's entropy. */
static struct cli_key *key_new(const char *who)
{
    static const unsigned char pers[] = "abota keys";
    struct cli_key *k = calloc(1, sizeof *k);
    if (!k) {
        fprintf(stderr, "%s: out of memory\n", who);
        return NULL;
    }
    mbedtls_pk_init(&k->pk);
    mbedtls_entropy_init(&k->entropy);
    mbedtls_ctr_drbg_init(&k->drbg);
    int ret = mbedtls_ctr_drbg_seed(&k->drbg, mbedtls_entropy_func, &k->entropy, pers,
                                    sizeof pers - 1);
    if (ret != 0) {
        say_mbedtls(who, "cannot seed the random generator", ret);
        keys_free(k);
        return NULL;
    }
    return k;
}

void keys_free(struct cli_key *k)
{
    if (!k)
        return;
    mbedtls_pk_free(&k->pk);
    mbedtls_ctr_drbg_free(&k->drbg);
    mbedtls_entropy_free(&k->entropy);
    free(k);
}

static mbedtls_ecp_keypair *ec_of(const struct cli_key *k)
{
    return mbedtls_pk_ec(k->pk);
}

int keys_generate(const char *who, struct cli_key **out)
{
    struct cli_key *k = key_new(who);
    if (!k)
        return -1;
    int ret = mbedtls_pk_setup(&k->pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY));
    if (ret == 0)
        ret = mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, ec_of(k), mbedtls_ctr_drbg_random,
                                  &k->drbg);
    if (ret != 0) {
        say_mbedtls(who, "cannot generate a P-256 key", ret);
        keys_free(k);
        return -1;
    }
    k->priv = 1;
    *out = k;
    return 0;
}

/* Only ECDSA keys on P-256: what the footer's sig_type 1 means. */
static int check_p256(const char *who, const char *path, const struct cli_key *k)
{
    if (!mbedtls_pk_can_do(&k->pk, MBEDTLS_PK_ECDSA)) {
        fprintf(stderr, "%s: %s holds an %s key; abota signs with ECDSA P-256 keys only (%s)\n",
                who, path, mbedtls_pk_get_name(&k->pk), HOW_TO_MAKE);
        return -1;
    }
    mbedtls_ecp_group_id id = ec_of(k)->KP(grp).id;
    if (id != MBEDTLS_ECP_DP_SECP256R1) {
        const mbedtls_ecp_curve_info *c = mbedtls_ecp_curve_info_from_grp_id(id);
        fprintf(stderr,
                "%s: %s is a key on the curve %s; abota signs with P-256 (prime256v1, "
                "secp256r1) keys only (%s)\n",
                who, path, c ? c->name : "unknown", HOW_TO_MAKE);
        return -1;
    }
    return 0;
}

int keys_load(const char *who, const char *path, struct cli_key **out)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        fprintf(stderr, "%s: cannot open the key %s: %s\n", who, path, strerror(errno));
        return -1;
    }
    fclose(fp);
    struct cli_key *k = key_new(who);
    if (!k)
        return -1;
    /* A private key first; if the file is not one, a public key. */
    int ret = parse_keyfile(k, path);
    k->priv = ret == 0;
    if (ret != 0 && ret != MBEDTLS_ERR_PK_PASSWORD_REQUIRED) {
        mbedtls_pk_free(&k->pk);
        mbedtls_pk_init(&k->pk);
        if (mbedtls_pk_parse_public_keyfile(&k->pk, path) == 0)
            ret = 0;
    }
    if (ret == MBEDTLS_ERR_PK_PASSWORD_REQUIRED) {
        fprintf(stderr,
                "%s: %s is encrypted with a passphrase, which abota does not read; write a "
                "decrypted copy where only you can read it (openssl ec -in %s -out KEY.pem)\n",
                who, path, path);
    } else if (ret != 0) {
        char what[512];
        snprintf(what, sizeof what, "%s is not a private or public key in PEM or DER (%s)",
                 path, HOW_TO_MAKE);
        say_mbedtls(who, what, ret);
    }
    if (ret != 0 || check_p256(who, path, k) < 0) {
        keys_free(k);
        return -1;
    }
    *out = k;
    return 0;
}

int keys_is_private(const struct cli_key *k)
{
    return k->priv;
}

int keys_public_xy(struct cli_key *k, uint8_t xy[KEYS_XY_SIZE])
{
    mbedtls_ecp_keypair *kp = ec_of(k);
    unsigned char pt[1 + KEYS_XY_SIZE];
    size_t n = 0;
    int ret = mbedtls_ecp_point_write_binary(&kp->KP(grp), &kp->KP(Q),
                                             MBEDTLS_ECP_PF_UNCOMPRESSED, &n, pt, sizeof pt);
    if (ret != 0 || n != sizeof pt || pt[0] != 0x04)
        return -1;
    memcpy(xy, pt + 1, KEYS_XY_SIZE);
    return 0;
}

int keys_fingerprint(struct cli_key *k, char hex[KEYS_FINGERPRINT_HEX])
{
    unsigned char der[160];
    uint8_t sha[ABOTA_SHA256_SIZE];
    /* mbedTLS writes DER backwards, at the end of the buffer */
    int n = mbedtls_pk_write_pubkey_der(&k->pk, der, sizeof der);
    if (n <= 0)
        return -1;
    abota_sha256(der + sizeof der - (size_t)n, (size_t)n, sha);
    for (size_t i = 0; i < sizeof sha; i++)
        snprintf(hex + 2 * i, 3, "%02x", sha[i]);
    return 0;
}

int keys_public_pem(const char *who, struct cli_key *k, char *buf, size_t size)
{
    int ret = mbedtls_pk_write_pubkey_pem(&k->pk, (unsigned char *)buf, size);
    if (ret != 0) {
        say_mbedtls(who, "cannot encode the public key", ret);
        return -1;
    }
    return 0;
}

int keys_write_pem(const char *who, struct cli_key *k, int public_only, const char *path,
                   int overwrite)
{
    char pem[1024];
    int ret;
    if (public_only) {
        if (keys_public_pem(who, k, pem, sizeof pem) < 0)
            return -1;
    } else if ((ret = mbedtls_pk_write_key_pem(&k->pk, (unsigned char *)pem, sizeof pem)) != 0) {
        say_mbedtls(who, "cannot encode the private key", ret);
        return -1;
    }
    ret = cli_write_file(who, path, pem, strlen(pem), NULL, 0, public_only ? 0644u : 0600u,
                         overwrite);
    mbedtls_platform_zeroize(pem, sizeof pem);
    return ret;
}

int keys_sign_digest(const char *who, struct cli_key *k, const uint8_t digest[32],
                     uint8_t sig[KEYS_SIG_SIZE])
{
    mbedtls_ecp_keypair *kp = ec_of(k);
    mbedtls_mpi r, s;
    mbedtls_mpi_init(&r);
    mbedtls_mpi_init(&s);
    /* RFC 6979: the nonce comes from the key and the digest, so signing needs
     * no good randomness and the same input gives the same signature; the
     * generator only blinds the computation. */
    int ret = mbedtls_ecdsa_sign_det_ext(&kp->KP(grp), &r, &s, &kp->KP(d), digest, 32,
                                         MBEDTLS_MD_SHA256, mbedtls_ctr_drbg_random, &k->drbg);
    if (ret == 0)
        ret = mbedtls_mpi_write_binary(&r, sig, 32);
    if (ret == 0)
        ret = mbedtls_mpi_write_binary(&s, sig + 32, 32);
    mbedtls_mpi_free(&r);
    mbedtls_mpi_free(&s);
    if (ret != 0) {
        say_mbedtls(who, "cannot sign", ret);
        return -1;
    }
    return 0;
}

int keys_verify_digest(struct cli_key *k, const uint8_t digest[32],
                       const uint8_t sig[KEYS_SIG_SIZE])
{
    mbedtls_ecp_keypair *kp = ec_of(k);
    mbedtls_mpi r, s;
    mbedtls_mpi_init(&r);
    mbedtls_mpi_init(&s);
    int ret = mbedtls_mpi_read_binary(&r, sig, 32);
    if (ret == 0)
        ret = mbedtls_mpi_read_binary(&s, sig + 32, 32);
    /* r or s zero or not below the order fails here too */
    if (ret == 0)
        ret = mbedtls_ecdsa_verify(&kp->KP(grp), digest, 32, &kp->KP(Q), &r, &s);
    mbedtls_mpi_free(&r);
    mbedtls_mpi_free(&s);
    return ret == 0;
}
