/* The ESP8266 port's own logic on the host, against an SDK double that
 * enforces the SDK's contract (tests/host/ only: the real SDK exists only
 * on the chip):
 *  - spi_flash_read/write need 4-byte aligned address, length and buffer;
 *    the double counts any violation, so the bounce buffer must hide them;
 *    a write only clears bits, an erase sets a 4 KiB sector to 0xFF;
 *  - system_get_time() is a 32-bit microsecond counter that wraps;
 *  - the upgrade API records what the port asked for. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/loader/esp8266/handoff.h"
#include "abota/error.h"
#include "abota/layout.h"
#include "abota/port_esp8266.h"
#include "sdk/esp8266_sdk.h"

/* ---- the SDK double ------------------------------------------------------ */

#define FLASH_SIZE 0x10000u
static uint8_t chip[FLASH_SIZE];
static unsigned misaligned;      /* SDK calls that broke the alignment rule */
static unsigned sdk_reads, sdk_writes;
static SpiFlashOpResult fail_with = SPI_FLASH_RESULT_OK;

static int bad(uint32_t addr, const void *buf, uint32_t size)
{
    return ((addr | size | (uint32_t)(uintptr_t)buf) & 3u) != 0;
}

SpiFlashOpResult spi_flash_erase_sector(uint16 sec)
{
    if (fail_with)
        return fail_with;
    if ((uint32_t)sec * 4096u >= FLASH_SIZE)
        return SPI_FLASH_RESULT_ERR;
    memset(chip + (uint32_t)sec * 4096u, 0xFF, 4096);
    return SPI_FLASH_RESULT_OK;
}

SpiFlashOpResult spi_flash_write(uint32 des_addr, uint32 *src_addr, uint32 size)
{
    sdk_writes++;
    if (fail_with)
        return fail_with;
    if (bad(des_addr, src_addr, size)) {
        misaligned++;
        return SPI_FLASH_RESULT_ERR;
    }
    const uint8_t *s = (const uint8_t *)src_addr;
    for (uint32_t i = 0; i < size; i++)
        chip[des_addr + i] &= s[i];
    return SPI_FLASH_RESULT_OK;
}

SpiFlashOpResult spi_flash_read(uint32 src_addr, uint32 *des_addr, uint32 size)
{
    sdk_reads++;
    if (fail_with)
        return fail_with;
    if (bad(src_addr, des_addr, size)) {
        misaligned++;
        return SPI_FLASH_RESULT_ERR;
    }
    memcpy(des_addr, chip + src_addr, size);
    return SPI_FLASH_RESULT_OK;
}

static uint32 now_us;
uint32 system_get_time(void)
{
    return now_us;
}

static unsigned delayed_ticks;
void vTaskDelay(portTickType ticks)
{
    delayed_ticks += ticks;
}

uint32 os_random(void)
{
    return 0x12345678u;
}

/* RTC memory: 192 blocks of 4 bytes, as system_rtc_mem_read counts them. */
static uint32 rtc[192];
bool system_rtc_mem_read(uint8 src, void *dst, uint16 n)
{
    if (src < 64 || n % 4u != 0 || (size_t)src * 4u + n > sizeof rtc)
        return false;
    memcpy(dst, &rtc[src], n);
    return true;
}

static uint8 running_bin = UPGRADE_FW_BIN1;
static int flag_set = -1, upgrade_reboots, restarts;
uint8 system_upgrade_userbin_check(void)
{
    return running_bin;
}
void system_upgrade_flag_set(uint8 flag)
{
    flag_set = flag;
}
uint8 system_upgrade_flag_check(void)
{
    return (uint8)flag_set;
}
/* The real calls restart the chip and never come back; the test returns
 * from them through a jump. */
static jmp_buf reboot_jmp;
void system_upgrade_reboot(void)
{
    upgrade_reboots++;
    longjmp(reboot_jmp, 1);
}
void system_restart(void)
{
    restarts++;
    longjmp(reboot_jmp, 1);
}

/* The network half is not exercised here; these only satisfy the link. */
int lwip_socket_mt(int d, int t, int p) { (void)d; (void)t; (void)p; return -1; }
int lwip_connect_mt(int s, const struct sockaddr *n, socklen_t l) { (void)s; (void)n; (void)l; return -1; }
int lwip_send_mt(int s, const void *d, size_t n, int f) { (void)s; (void)d; (void)n; (void)f; return -1; }
int lwip_recv_mt(int s, void *m, size_t n, int f) { (void)s; (void)m; (void)n; (void)f; return -1; }
int lwip_close_mt(int s) { (void)s; return 0; }
int lwip_setsockopt_mt(int s, int l, int o, const void *v, socklen_t n)
{ (void)s; (void)l; (void)o; (void)v; (void)n; return -1; }
int lwip_getsockopt_mt(int s, int l, int o, void *v, socklen_t *n)
{ (void)s; (void)l; (void)o; (void)v; (void)n; return -1; }
int lwip_fcntl_mt(int s, int c, int v) { (void)s; (void)c; (void)v; return -1; }
struct hostent *lwip_gethostbyname(const char *name) { (void)name; return NULL; }

/* ---- flash --------------------------------------------------------------- */

static struct abota_esp8266_flash fl;
static union {
    uint32_t align;
    uint8_t b[600];
} ram;

static int setup(void **state)
{
    (void)state;
    for (uint32_t i = 0; i < FLASH_SIZE; i++)
        chip[i] = (uint8_t)(i * 7u + (i >> 8));
    misaligned = sdk_reads = sdk_writes = 0;
    fail_with = SPI_FLASH_RESULT_OK;
    assert_int_equal(abota_esp8266_flash_init(&fl, FLASH_SIZE), 0);
    return 0;
}

static void test_geometry(void **state)
{
    (void)state;
    assert_int_equal(fl.port.size, FLASH_SIZE);
    assert_int_equal(fl.port.sector_size, 4096);
    assert_int_equal(fl.port.write_align, 4);
    assert_int_equal(abota_esp8266_flash_init(&fl, 4095), ABOTA_ERR_ARG);
    assert_int_equal(abota_esp8266_flash_init(&fl, 0), ABOTA_ERR_ARG);
}

static void test_aligned_read_goes_direct(void **state)
{
    (void)state;
    assert_int_equal(abota_flash_read(&fl.port, 0x2000, ram.b, 512), 0);
    assert_memory_equal(ram.b, chip + 0x2000, 512);
    assert_int_equal(sdk_reads, 1);
    assert_int_equal(fl.bounce_uses, 0);
}

/* Every combination of address, length and buffer misalignment, short and
 * longer than the bounce buffer: right bytes, nothing around them touched,
 * and the SDK never sees an unaligned call. */
static void test_unaligned_reads(void **state)
{
    (void)state;
    static const size_t lens[] = {1, 2, 3, 5, 63, 64, 65, 130, 257};
    for (unsigned a = 0; a < 4; a++)
        for (unsigned b = 0; b < 4; b++)
            for (unsigned k = 0; k < sizeof lens / sizeof lens[0]; k++) {
                uint32_t addr = 0x3001u + a;
                memset(ram.b, 0xA5, sizeof ram.b);
                assert_int_equal(abota_flash_read(&fl.port, addr, ram.b + b, lens[k]), 0);
                assert_memory_equal(ram.b + b, chip + addr, lens[k]);
                for (unsigned i = 0; i < b; i++)
                    assert_int_equal(ram.b[i], 0xA5);
                assert_int_equal(ram.b[b + lens[k]], 0xA5);
            }
    assert_int_equal(misaligned, 0);
    assert_true(fl.bounce_uses > 0);
}

static void test_read_at_the_end_of_flash(void **state)
{
    (void)state;
    assert_int_equal(abota_flash_read(&fl.port, FLASH_SIZE - 3, ram.b + 1, 3), 0);
    assert_memory_equal(ram.b + 1, chip + FLASH_SIZE - 3, 3);
    assert_int_equal(misaligned, 0);
}

static void test_writes_from_unaligned_buffers(void **state)
{
    (void)state;
    assert_int_equal(abota_flash_erase(&fl.port, 0x4000), 0);
    for (uint32_t i = 0; i < 4096; i++)
        assert_int_equal(chip[0x4000 + i], 0xFF);
    for (unsigned b = 0; b < 4; b++) {
        uint8_t *src = ram.b + b;
        for (unsigned i = 0; i < 200; i++)
            src[i] = (uint8_t)(i ^ (b * 51u));
        uint32_t addr = 0x4000u + b * 256u;
        assert_int_equal(abota_flash_write(&fl.port, addr, src, 200), 0);
        assert_memory_equal(chip + addr, src, 200);
        assert_int_equal(chip[addr + 200], 0xFF);
    }
    assert_int_equal(misaligned, 0);
    /* The core never asks for an unaligned range; the port refuses one. */
    assert_int_equal(fl.port.write(fl.port.ctx, 0x4001, ram.b, 4), ABOTA_ERR_FLASH_ALIGN);
    assert_int_equal(fl.port.write(fl.port.ctx, 0x4000, ram.b, 6), ABOTA_ERR_FLASH_ALIGN);
    assert_int_equal(fl.port.erase(fl.port.ctx, 0x4004), ABOTA_ERR_FLASH_ALIGN);
}

static void test_sdk_errors_map_to_flash_errors(void **state)
{
    (void)state;
    fail_with = SPI_FLASH_RESULT_TIMEOUT;
    assert_int_equal(abota_flash_read(&fl.port, 0, ram.b, 8), ABOTA_ERR_FLASH_READ);
    assert_int_equal(abota_flash_read(&fl.port, 1, ram.b, 8), ABOTA_ERR_FLASH_READ);
    assert_int_equal(abota_flash_write(&fl.port, 0, ram.b, 8), ABOTA_ERR_FLASH_WRITE);
    assert_int_equal(abota_flash_write(&fl.port, 0, ram.b + 1, 8), ABOTA_ERR_FLASH_WRITE);
    assert_int_equal(abota_flash_erase(&fl.port, 0x1000), ABOTA_ERR_FLASH_ERASE);
    assert_int_equal(fl.last_sdk_result, SPI_FLASH_RESULT_TIMEOUT);
    fail_with = SPI_FLASH_RESULT_ERR;
    assert_int_equal(abota_flash_read(&fl.port, 0, ram.b, 8), ABOTA_ERR_FLASH_READ);
    assert_int_equal(fl.last_sdk_result, SPI_FLASH_RESULT_ERR);
}

/* ---- clock --------------------------------------------------------------- */

static void test_clock_counts_across_the_microsecond_wrap(void **state)
{
    (void)state;
    struct abota_esp8266_clock c;
    now_us = 0xFFFFFFFFu - 2500u; /* 2.5 ms before system_get_time() wraps */
    abota_esp8266_clock_init(&c);
    uint32_t t0 = c.port.now_ms(c.port.ctx);
    now_us += 1700u;
    uint32_t t1 = c.port.now_ms(c.port.ctx);
    assert_int_equal(t1 - t0, 1);
    now_us += 1700u; /* wraps here; 3.4 ms in all */
    uint32_t t2 = c.port.now_ms(c.port.ctx);
    assert_int_equal(t2 - t0, 3);
    /* Many steps of 999 us: no millisecond lost to rounding. */
    for (int i = 0; i < 1000; i++) {
        now_us += 999u;
        c.port.now_ms(c.port.ctx);
    }
    uint32_t t3 = c.port.now_ms(c.port.ctx);
    assert_int_equal(t3 - t0, (3400u + 999000u) / 1000u);
    /* A 70-minute step (less than one wrap of the counter); the 400 us
     * carried from before stay below a millisecond. */
    now_us += 70u * 60u * 1000000u;
    assert_int_equal(c.port.now_ms(c.port.ctx) - t3, 70u * 60u * 1000u);
    now_us += 600u;
    assert_int_equal(c.port.now_ms(c.port.ctx) - t3, 70u * 60u * 1000u + 1u);
}

static void test_sleep_rounds_up_to_ticks(void **state)
{
    (void)state;
    struct abota_esp8266_clock c;
    abota_esp8266_clock_init(&c);
    delayed_ticks = 0;
    c.port.sleep_ms(c.port.ctx, 25);
    assert_int_equal(delayed_ticks, 3);
    c.port.sleep_ms(c.port.ctx, 0);
    assert_int_equal(delayed_ticks, 4);
    assert_int_equal(c.port.random(c.port.ctx), 0x12345678u);
}

/* ---- slots and activation -------------------------------------------------- */

static void test_espressif_activation(void **state)
{
    (void)state;
    running_bin = UPGRADE_FW_BIN1;
    flag_set = -1;
    upgrade_reboots = 0;
    assert_int_equal(abota_esp8266_running_slot_espressif(), 1);
    assert_int_equal(abota_esp8266_activate_espressif(1), ABOTA_ERR_SLOT_RUNNING);
    assert_int_equal(abota_esp8266_activate_espressif(3), ABOTA_ERR_SLOT_INVALID);
    assert_int_equal(flag_set, -1);
    assert_int_equal(upgrade_reboots, 0);
    if (setjmp(reboot_jmp) == 0) {
        abota_esp8266_activate_espressif(2);
        fail_msg("activate_espressif returned");
    }
    assert_int_equal(flag_set, UPGRADE_FLAG_FINISH);
    assert_int_equal(upgrade_reboots, 1);

    running_bin = UPGRADE_FW_BIN2;
    assert_int_equal(abota_esp8266_running_slot_espressif(), 2);
    restarts = 0;
    if (setjmp(reboot_jmp) == 0) {
        abota_esp8266_activate();
        fail_msg("activate returned");
    }
    assert_int_equal(restarts, 1);
}

/* With abota's loader the running slot is what the loader started (its
 * hand-off), not what the boot record says. */
static void test_running_slot_from_handoff(void **state)
{
    (void)state;
    const struct abota_layout *l = abota_layout_find("esp8266-1024+1024");
    assert_non_null(l);
    memset(rtc, 0, sizeof rtc);
    assert_int_equal(abota_esp8266_running_slot(l), ABOTA_ERR_BOOT_NO_HANDOFF);
    rtc[ABOTA_HANDOFF_RTC_BLOCK] = ABOTA_HANDOFF_MAGIC;
    rtc[ABOTA_HANDOFF_RTC_BLOCK + 1] = 0x101000u;
    assert_int_equal(abota_esp8266_running_slot(l), 2);
    rtc[ABOTA_HANDOFF_RTC_BLOCK + 1] = 0x1000u;
    assert_int_equal(abota_esp8266_running_slot(l), 1);
    /* user2 of the 512+512 map is no slot of this layout */
    rtc[ABOTA_HANDOFF_RTC_BLOCK + 1] = 0x81000u;
    assert_int_equal(abota_esp8266_running_slot(l), ABOTA_ERR_BOOT_NO_HANDOFF);
    rtc[ABOTA_HANDOFF_RTC_BLOCK + 1] = 0x1000u;
    rtc[ABOTA_HANDOFF_RTC_BLOCK] ^= 1u; /* power-up garbage, not the loader's */
    assert_int_equal(abota_esp8266_running_slot(l), ABOTA_ERR_BOOT_NO_HANDOFF);
    assert_int_equal(abota_esp8266_running_slot(NULL), ABOTA_ERR_BOOT_NO_HANDOFF);
    /* The addresses the loader and the cache mapping use are those blocks. */
    assert_int_equal(ABOTA_HANDOFF_MAGIC_ADDR, 0x60001100u + 4u * 190u);
    assert_int_equal(ABOTA_HANDOFF_IMAGE_ADDR, 0x60001100u + 4u * 191u);
}

static void test_parse_ipv4(void **state)
{
    (void)state;
    uint32_t a;
    assert_int_equal(abota_esp8266_parse_ipv4("192.168.1.10", &a), 0);
    assert_memory_equal(&a, "\xc0\xa8\x01\x0a", 4);
    assert_int_equal(abota_esp8266_parse_ipv4("0.0.0.0", &a), 0);
    assert_int_equal(abota_esp8266_parse_ipv4("255.255.255.255", &a), 0);
    static const char *bad_ones[] = {"", "1.2.3", "1.2.3.4.", "1.2.3.4.5", "256.1.1.1",
                                     "1..2.3", "1.2.3.0004", "a.b.c.d", "1.2.3.4 ",
                                     "example.com", "::1"};
    for (unsigned i = 0; i < sizeof bad_ones / sizeof bad_ones[0]; i++)
        assert_int_equal(abota_esp8266_parse_ipv4(bad_ones[i], &a), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_geometry, setup, NULL),
        cmocka_unit_test_setup_teardown(test_aligned_read_goes_direct, setup, NULL),
        cmocka_unit_test_setup_teardown(test_unaligned_reads, setup, NULL),
        cmocka_unit_test_setup_teardown(test_read_at_the_end_of_flash, setup, NULL),
        cmocka_unit_test_setup_teardown(test_writes_from_unaligned_buffers, setup, NULL),
        cmocka_unit_test_setup_teardown(test_sdk_errors_map_to_flash_errors, setup, NULL),
        cmocka_unit_test(test_clock_counts_across_the_microsecond_wrap),
        cmocka_unit_test(test_sleep_rounds_up_to_ticks),
        cmocka_unit_test(test_espressif_activation),
        cmocka_unit_test(test_running_slot_from_handoff),
        cmocka_unit_test(test_parse_ipv4),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
