/* The POSIX port: a simulated device on Linux.
 *
 * - Flash: a file that behaves like NOR flash (erased bytes read 0xFF, writes
 *   only clear bits, whole-sector erases, alignment as on the ESP8266), with
 *   counters and power-cut injection. Every write lands in the file at once,
 *   so a later process (the simulated device after a reboot) sees it.
 * - Net: TCP sockets (IPv4 and IPv6) with a timeout on every call; TLS on
 *   top of them with mbedTLS (abota_posix_tls, docs/TLS.md).
 * - Clock: CLOCK_MONOTONIC, nanosleep, getrandom() or a seeded generator.
 *
 * Each object is a struct the caller owns; its `port` member is what the
 * core takes. Nothing here is thread-safe; use one object per thread. */
#ifndef ABOTA_PORT_POSIX_H
#define ABOTA_PORT_POSIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abota/flash.h"
#include "abota/layout.h"
#include "abota/net.h"

/* ---- flash ------------------------------------------------------------ */

/* Flags for abota_posix_flash_open. Without a CREATE flag the file must
 * exist and be exactly `size` bytes long. */
#define ABOTA_POSIX_FLASH_CREATE 0x1u           /* new erased file, truncating any old one */
#define ABOTA_POSIX_FLASH_CREATE_IF_MISSING 0x2u /* new erased file only if none exists */
#define ABOTA_POSIX_FLASH_READ_ALIGN4 0x4u      /* reads need 4-byte aligned address and
                                                  * length (the ESP8266's spi_flash_read) */

/* What happens to the operation at which the power is cut. In every mode
 * that operation returns ABOTA_ERR_POWER_CUT, and so does every later one
 * until the flash is closed and opened again (the device is "off"). */
enum abota_posix_cut_mode {
    ABOTA_POSIX_CUT_BEFORE = 0, /* the operation does nothing */
    ABOTA_POSIX_CUT_AFTER = 1,  /* the operation completes */
    ABOTA_POSIX_CUT_TORN = 2    /* the operation is left half done, see below */
};

/* How a torn operation was left; recorded in `torn` for tests and logs.
 *   ERASE_PREFIX  the first torn_len bytes of the sector are 0xFF, the rest
 *                 is unchanged;
 *   ERASE_RANDOM  the whole sector holds random bytes;
 *   WRITE_PREFIX  the first torn_len bytes were written, the rest unchanged;
 *   WRITE_BITS    each 1->0 bit change of the write was applied or not at
 *                 random (bits never go 0->1).
 * Prefix lengths are chosen strictly inside (0, len) when len >= 2, so a
 * torn operation differs from both BEFORE and AFTER whenever it can. */
enum abota_posix_torn_kind {
    ABOTA_POSIX_TORN_NONE = 0,
    ABOTA_POSIX_TORN_ERASE_PREFIX,
    ABOTA_POSIX_TORN_ERASE_RANDOM,
    ABOTA_POSIX_TORN_WRITE_PREFIX,
    ABOTA_POSIX_TORN_WRITE_BITS
};

enum abota_posix_flash_op {
    ABOTA_POSIX_OP_READ = 0,
    ABOTA_POSIX_OP_WRITE = 1,
    ABOTA_POSIX_OP_ERASE = 2
};

struct abota_posix_flash;

/* Called on every read, write and erase that passed the bounds, alignment
 * and not-erased checks, just before it touches the flash; for writes and
 * erases pf->ops already counts this one. Return 0 to let it run, nonzero
 * to cut the power at this operation with pf->cut_mode (a cut read reads
 * nothing). */
typedef int (*abota_posix_flash_hook)(struct abota_posix_flash *pf, void *arg,
                                      enum abota_posix_flash_op op, uint32_t addr, size_t len);

struct abota_posix_flash {
    struct abota_flash port; /* give &pf->port to the core */

    /* Counters of completed operations (a cut operation is not counted). */
    uint64_t reads, writes, erases;
    uint64_t bytes_read, bytes_written, bytes_erased;
    /* Writes and erases that reached the flash, counted from 1, including
     * the one at which the power was cut. */
    uint32_t ops;

    /* Fault injection; set these after open (open clears them). */
    uint32_t cut_at;                    /* cut at this op (1 = the first); 0 = never */
    enum abota_posix_cut_mode cut_mode; /* for cut_at and for the hook */
    uint64_t seed;                      /* drives torn operations; same seed, same result */
    abota_posix_flash_hook hook;        /* optional */
    void *hook_arg;

    /* Set once the power is cut; then what the cut did. */
    int off;
    uint32_t cut_op;                 /* the value of ops at the cut (0 for a cut read) */
    enum abota_posix_torn_kind torn; /* for a TORN cut */
    uint32_t torn_addr, torn_len;

    /* private */
    int _fd;
    uint8_t *_map;
    int _flags;
};

/* Opens (or, with a CREATE flag, creates filled with 0xFF) the flash file
 * at path. sector_size and write_align must be powers of two, write_align
 * <= sector_size, and size a non-zero multiple of sector_size. Returns 0,
 * ABOTA_ERR_ARG for bad geometry or flags, ABOTA_ERR_FLASH_SIZE when an
 * existing file has another size, or ABOTA_ERR_IO (errno tells why). */
int abota_posix_flash_open(struct abota_posix_flash *pf, const char *path, uint32_t size,
                           uint32_t sector_size, uint32_t write_align, int flags);

/* Makes the contents durable on disk (fsync). Other processes see every
 * write without it; this only matters against a host crash. */
int abota_posix_flash_sync(struct abota_posix_flash *pf);

/* Unmaps and closes; always safe to call again. */
void abota_posix_flash_close(struct abota_posix_flash *pf);

/* Arms a power cut at the n-th write/erase from now on (n >= 1; the next
 * one is 1): sets cut_at = ops + n, cut_mode and seed. */
void abota_posix_flash_cut(struct abota_posix_flash *pf, uint32_t n,
                           enum abota_posix_cut_mode mode, uint64_t seed);

/* ---- network ---------------------------------------------------------- */

struct abota_posix_net {
    struct abota_net port; /* give &n->port to the core */
    uint64_t bytes_sent, bytes_received; /* over the object's life */
    uint32_t connects;                   /* successful connects */
    int last_errno;                      /* errno (or EAI_* code) of the last failure */
    int _fd;
};

void abota_posix_net_init(struct abota_posix_net *n);

/* ---- TLS (posix_tls.c, mbedTLS 2.28) ------------------------------------ */

/* How the server is verified. At least one of a CA file and a pin; with
 * neither, connect_tls refuses (ABOTA_ERR_NET_TLS_CONFIG): there is no
 * unverified mode.
 *   CA only   the server's chain must lead to a certificate of ca_file, be
 *             valid now, and name the URL's host (a DNS name in
 *             subjectAltName, or the CN without one; an IP literal host
 *             must be an iPAddress in subjectAltName, and sends no SNI);
 *   pin only  the server's public key must have the pinned SHA-256; the
 *             key stands in for the CA (dates and host name are still
 *             checked);
 *   both      both. */
struct abota_posix_tls_config {
    const char *ca_file;   /* PEM file with one or more CA certificates; NULL: none */
    bool has_pin;
    uint8_t pin[32];       /* SHA-256 of the server's DER SubjectPublicKeyInfo */
    /* The TLS max_fragment_length extension (RFC 6066): 512, 1024, 2048 or
     * 4096 asks the server for records no longer than that; 0 asks
     * nothing (records up to 16 KiB). */
    unsigned max_fragment;
};

struct abota_posix_tls {
    /* Give &t->port to the core: connect (plain TCP) and connect_tls both
     * go through the TCP port given to init; send, recv and close follow
     * whichever connection is open. */
    struct abota_net port;
    const struct abota_net *plain;
    uint32_t verify_flags; /* mbedTLS's MBEDTLS_X509_BADCERT_* of the last handshake */
    int last_mbedtls;      /* mbedTLS's code (negative) of the last TLS failure */
    uint32_t handshakes;   /* completed handshakes */
    /* Longest record the server may send on the open connection: the
     * max_fragment_length it accepted, else 16384. */
    uint32_t record_max;
    void *_s;              /* mbedTLS state */
};

/* Sets up TLS over plain (kept by pointer). Loads the CA file now, so a
 * missing or malformed one is told at once. 0, ABOTA_ERR_ARG (NULLs, a
 * max_fragment not in the list), ABOTA_ERR_IO (CA file unreadable or
 * without a PEM certificate; errno or last_mbedtls tells why), or
 * ABOTA_ERR_NET_TLS_HANDSHAKE (the random generator could not be seeded). */
int abota_posix_tls_init(struct abota_posix_tls *t, const struct abota_net *plain,
                         const struct abota_posix_tls_config *cfg);

/* Closes any connection and frees what init allocated; safe to call again
 * and after a failed init. */
void abota_posix_tls_free(struct abota_posix_tls *t);

/* Reads a pin: 64 hex digits (either case; ':' between bytes allowed), as
 * `openssl x509 -pubkey -noout -in CERT | openssl pkey -pubin -outform DER
 * | sha256sum` prints it. 0 or ABOTA_ERR_ARG. */
int abota_posix_tls_parse_pin(const char *hex, uint8_t pin[32]);

/* ---- clock ------------------------------------------------------------ */

struct abota_posix_clock {
    struct abota_clock port; /* give &c->port to the core */
    int seeded;
    uint64_t _rng;
};

/* random() draws from getrandom(). */
void abota_posix_clock_init(struct abota_posix_clock *c);

/* From now on random() is a PRNG seeded with seed, for reproducible runs. */
void abota_posix_clock_seed(struct abota_posix_clock *c, uint64_t seed);

/* --- layouts --- */

/* A layout by name: the core's built-in ones (abota_layout_find), plus
 * "sim-8m" (8 MiB flash, two 3.9 MiB slots) for simulated firmware too big
 * for an ESP8266 slot, such as a sanitizer build. NULL when unknown. */
const struct abota_layout *abota_posix_layout_find(const char *name);

#endif
