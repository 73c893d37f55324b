/* The ESP8266 port: abota on Espressif's ESP8266_RTOS_SDK (v2.x).
 *
 * - Flash: spi_flash_erase_sector / spi_flash_write / spi_flash_read. The SDK
 *   wants 4-byte aligned flash addresses, lengths and RAM buffers; the port
 *   goes through a word-aligned bounce buffer (in the struct, no heap)
 *   whenever the caller's buffer or range is not aligned, or the buffer is
 *   not in RAM (constant data mapped from flash).
 * - Net: lwIP BSD sockets, one TCP connection, a timeout on every call; names
 *   through lwIP's gethostbyname (IPv4 literals are parsed directly).
 * - Clock: system_get_time() (microseconds, widened to a 32-bit millisecond
 *   count that wraps after 49 days as net.h promises), vTaskDelay, os_random.
 * - Activation, two ways (docs/PORTING.md):
 *   abota_esp8266_activate()           restart into abota's loader, which reads
 *                                      the boot record: trial boot and rollback;
 *   abota_esp8266_activate_espressif() keep Espressif's boot.bin: upgrade flag
 *                                      FINISH + system_upgrade_reboot(); no
 *                                      rollback.
 *
 * Each object is a struct the caller owns; its `port` member is what the core
 * takes. Not thread-safe: one object per task. */
#ifndef ABOTA_PORT_ESP8266_H
#define ABOTA_PORT_ESP8266_H

#include <stddef.h>
#include <stdint.h>

#include "abota/flash.h"
#include "abota/layout.h"
#include "abota/net.h"

/* Bounce buffer size in 32-bit words; unaligned accesses go through it in
 * pieces of at most this many words. */
#ifndef ABOTA_ESP8266_BOUNCE_WORDS
#define ABOTA_ESP8266_BOUNCE_WORDS 16
#endif

/* ---- flash ------------------------------------------------------------ */

struct abota_esp8266_flash {
    struct abota_flash port; /* give &f->port to the core */
    uint32_t bounce_uses;    /* accesses that needed the bounce buffer */
    int last_sdk_result;     /* SpiFlashOpResult of the last failure */
    uint32_t _bounce[ABOTA_ESP8266_BOUNCE_WORDS];
};

/* Sets up the flash port for a chip of flash_size bytes (a multiple of
 * 4096): sector_size 4096, write_align 4. Returns 0 or ABOTA_ERR_ARG. */
int abota_esp8266_flash_init(struct abota_esp8266_flash *f, uint32_t flash_size);

/* ---- network ---------------------------------------------------------- */

struct abota_esp8266_net {
    struct abota_net port; /* give &n->port to the core */
    int last_errno;        /* errno of the last failure */
    int _fd;
};

void abota_esp8266_net_init(struct abota_esp8266_net *n);

/* Parses a dotted IPv4 literal ("192.168.1.10") into network byte order.
 * Returns 0, or -1 when s is not exactly four decimal numbers 0..255. */
int abota_esp8266_parse_ipv4(const char *s, uint32_t *addr_be);

/* ---- clock ------------------------------------------------------------ */

struct abota_esp8266_clock {
    struct abota_clock port; /* give &c->port to the core */
    uint32_t _last_us;       /* system_get_time() at the last now_ms() */
    uint32_t _rem_us;        /* microseconds not yet counted as a millisecond */
    uint32_t _ms;            /* the millisecond count */
};

/* now_ms() must be called at least once every 71 minutes (the wrap of
 * system_get_time()); the update engine calls it far more often. */
void abota_esp8266_clock_init(struct abota_esp8266_clock *c);

/* ---- slots and activation ------------------------------------------------ */

/* With abota's loader: the slot that runs now (1 or 2), from the loader's
 * hand-off in RTC memory (src/loader/esp8266/handoff.h): what the loader
 * started, even when it could not write its choice into the boot record.
 * ABOTA_ERR_BOOT_NO_HANDOFF when the loader did not start this firmware
 * or started an address that is no slot of l. */
int abota_esp8266_running_slot(const struct abota_layout *l);

/* With Espressif's boot.bin: the running slot from
 * system_upgrade_userbin_check() (user1 -> 1, user2 -> 2). */
int abota_esp8266_running_slot_espressif(void);

/* abota's loader: the boot record names the new slot already (written by
 * abota_update_run); restarting is all that is left. Does not return. */
void abota_esp8266_activate(void);

/* Espressif's boot.bin: tells the SDK the other bin is complete and restarts
 * into it (system_upgrade_flag_set(UPGRADE_FLAG_FINISH) and
 * system_upgrade_reboot()). target_slot must be the slot that is not
 * running; ABOTA_ERR_SLOT_RUNNING or ABOTA_ERR_SLOT_INVALID otherwise (then
 * nothing is changed). Does not return on success. */
int abota_esp8266_activate_espressif(int target_slot);

#endif
