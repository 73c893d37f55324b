/* Subcommands of the abota CLI. Each takes (argc, argv) with argv[0] the
 * command name and returns the process exit status. */
#ifndef ABOTA_CLI_H
#define ABOTA_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct cli_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
};

int cmd_pack(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_keygen(int argc, char **argv);
int cmd_pubkey(int argc, char **argv);

/* -q / -v (verbosity.c): CLI_QUIET, CLI_NORMAL or CLI_VERBOSE, set by
 * `abota -q CMD` or `CMD -q`. Every command's option table ends with
 * CLI_VERBOSITY_OPTIONS and passes 'q' and 'v' to cli_verbosity_option. */
enum { CLI_QUIET = -1, CLI_NORMAL = 0, CLI_VERBOSE = 1 };
extern int cli_verbosity;
#define CLI_VERBOSITY_OPTIONS                                                          \
    {"quiet", no_argument, NULL, 'q'}, {"verbose", no_argument, NULL, 'v'}
#define CLI_VERBOSITY_HELP                                                             \
    "  -q, --quiet      errors only (and the result line, where there is one)\n"        \
    "  -v, --verbose    more detail, where there is more to say\n"
/* true when c was 'q' or 'v' (and is now in force). */
bool cli_verbosity_option(int c);
/* Under -q, sends what the command (and any program it starts) prints on
 * stdout to /dev/null, keeping the real stdout for cli_result(). 0, or -1
 * after printing why. */
int cli_quiet_stdout(const char *who);
/* Where a command's result line goes: stdout, even under -q. */
FILE *cli_result(void);

/* For getopt_long run with opterr = 0 and ':' first in its optstring: c is
 * ':' (an option without its value) or anything else (an unknown option).
 * Says which on stderr, then the usage; returns 2, the usage exit status. */
int cli_option_error(const char *who, int c, char *const *argv, void (*usage)(FILE *));
/* "-" where a file is expected: standard input or output. */
bool cli_is_stdio(const char *path);
/* Reads a whole file ("-": standard input) into a malloc'd buffer (free
 * it). Refuses files over max bytes. Returns 0, or -1 after printing why
 * (prefixed with who). */
int cli_read_file(const char *who, const char *path, size_t max, uint8_t **buf, size_t *len);
/* Writes a[alen] then b[blen] (b may be NULL with blen 0) to path through a
 * temporary file in the same directory, so a reader never sees a half-written
 * file, with permissions mode. CLI_OVERWRITE replaces an existing path;
 * CLI_NO_OVERWRITE refuses it. "-" writes to standard output instead.
 * Returns 0, or -1 after printing why. */
enum { CLI_NO_OVERWRITE = 0, CLI_OVERWRITE = 1 };
int cli_write_file(const char *who, const char *path, const void *a, size_t alen,
                   const void *b, size_t blen, unsigned mode, int overwrite);
/* A one-segment 0xE9 image holding in[len] unchanged (pack_e9.c), in a
 * malloc'd buffer (free it). Returns 0, or -1 when out of memory or too big. */
int cli_wrap_e9(const uint8_t *in, size_t len, uint8_t **out, size_t *out_len);
int cmd_flash(int argc, char **argv);
int cmd_sim(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_publish(int argc, char **argv);

/* abota inspect of a release manifest (inspect_manifest.c): doc[len] read
 * from path; key NULL, or the key (read from key_path) to verify it with;
 * device_id NULL, or an id whose rollout decision to print. Exit status. */
struct cli_key;
int cli_inspect_manifest(const char *path, const uint8_t *doc, size_t len, struct cli_key *key,
                         const char *key_path, const char *device_id);

/* --- packing (pack_image.c), shared by abota pack and abota publish --- */

struct abota_footer;
struct cli_key;
/* The padding and footer that follow a payload: at most this many bytes. */
#define CLI_PACK_TAIL_MAX (16u + 256u)
/* Completes f (its version and security version set by the caller) for
 * firmware fw[len] named name: an Espressif user bin is checked and gives
 * the target slot (slot: 1 or 2 from --slot, or -1), the payload's length,
 * CRC-32 and SHA-256, then the signature when key is not NULL. *what says
 * what fw is. Returns 0, or -1 after printing why (prefixed with who). */
int cli_pack_footer(const char *who, const char *name, const uint8_t *fw, size_t len, int slot,
                    struct cli_key *key, struct abota_footer *f, const char **what);
/* The 0xFF padding and the encoded footer of f into tail; their length. */
size_t cli_pack_tail(const struct abota_footer *f, uint8_t tail[CLI_PACK_TAIL_MAX]);
/* Strict decimal 0..UINT32_MAX: no sign, no spaces, nothing trailing. */
int cli_parse_u32(const char *s, uint32_t *out);

#endif
