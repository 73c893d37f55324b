/* The demo on an ESP8266: platform.h over the abota ESP8266 port, and the
 * SDK's entry points.
 *
 * Targets Espressif's ESP8266_RTOS_SDK v2.x (FreeRTOS, lwIP sockets). The
 * port's network uses lwIP's BSD sockets and the demo blocks inside
 * abota_update_run() in a task of its own; the NONOS SDK has neither (its
 * network is espconn callbacks, docs/PORTING.md), so it cannot run this
 * file as it is. The SDK's calls are declared in sdk/esp8266_sdk.h
 * (-DABOTA_ESP8266_REAL_SDK: the SDK's own headers).
 *
 *   user_init()               the SDK calls it once at start: creates the
 *                             OTA task and returns, so the SDK can start
 *                             Wi-Fi and the scheduler
 *   user_rf_cal_sector_set()  the SDK asks where RF calibration lives
 *   ota_task                  runs ota_demo_main() (main.c), which never
 *                             returns: it reboots or idles
 *
 * Which slot runs and how the new one is started depends on what sits at
 * flash 0x0 (OTA_ESPRESSIF_BOOT in ota_config.h). */
#include <stdio.h>
#include <string.h>

#include "abota/error.h"
#include "abota/layout.h"
#include "abota/port_esp8266.h"
#include "ota_config.h"
#include "platform.h"
#include "sdk/esp8266_sdk.h"
#ifdef OTA_SIGN_KEY_HEADER
#include OTA_SIGN_KEY_HEADER /* static const uint8_t abota_sign_key[64] */
#endif

/* The settings are constants: their lengths are checked here, once. */
_Static_assert(sizeof OTA_SSID - 1 <= 32, "OTA_SSID is longer than 32 bytes");
_Static_assert(sizeof OTA_SSID <= sizeof((struct ota_platform *)0)->ssid,
               "OTA_SSID does not fit ota_platform.ssid");
_Static_assert(sizeof OTA_PASSWORD - 1 <= 64, "OTA_PASSWORD is longer than 64 bytes");
_Static_assert(sizeof OTA_URL <= ABOTA_URL_MAX, "OTA_URL is longer than ABOTA_URL_MAX");

/* The SDK's entry points, defined here (the SDK declares none of them). */
void user_init(void);
uint32 user_rf_cal_sector_set(void);

#define POLL_MS 100u

/* The port's objects live as long as the firmware: static, not on the
 * task's stack. */
static struct abota_esp8266_flash flash;
static struct abota_esp8266_net net;
static struct abota_esp8266_clock clk;
static int running_slot; /* for platform_reboot() with Espressif's boot.bin */

/* Chip size and user2 address of the SDK's flash size map (the fixtures'
 * table); 0 for maps without two OTA slots. */
static uint32_t map_chip_size(flash_size_map m)
{
    switch (m) {
    case FLASH_SIZE_4M_MAP_256_256: return 0x80000u;
    case FLASH_SIZE_2M: return 0x40000u;
    case FLASH_SIZE_8M_MAP_512_512: return 0x100000u;
    case FLASH_SIZE_16M_MAP_512_512:
    case FLASH_SIZE_16M_MAP_1024_1024: return 0x200000u;
    case FLASH_SIZE_32M_MAP_512_512:
    case FLASH_SIZE_32M_MAP_1024_1024:
    case FLASH_SIZE_32M_MAP_2048_2048: return 0x400000u;
    case FLASH_SIZE_64M_MAP_1024_1024: return 0x800000u;
    case FLASH_SIZE_128M_MAP_1024_1024: return 0x1000000u;
    }
    return 0;
}

static uint32_t map_user2(flash_size_map m)
{
    switch (m) {
    case FLASH_SIZE_4M_MAP_256_256: return 0x41000u;
    case FLASH_SIZE_8M_MAP_512_512:
    case FLASH_SIZE_16M_MAP_512_512:
    case FLASH_SIZE_32M_MAP_512_512: return 0x81000u;
    case FLASH_SIZE_16M_MAP_1024_1024:
    case FLASH_SIZE_32M_MAP_1024_1024:
    case FLASH_SIZE_64M_MAP_1024_1024:
    case FLASH_SIZE_128M_MAP_1024_1024: return 0x101000u;
    case FLASH_SIZE_2M:
    case FLASH_SIZE_32M_MAP_2048_2048: return 0;
    }
    return 0;
}

/* The SDK keeps RF calibration, PHY init data and its 3 parameter sectors
 * in the last 5 sectors of the real chip (the fixtures README): RF
 * calibration is the first of them. */
uint32 user_rf_cal_sector_set(void)
{
    uint32_t size = map_chip_size(system_get_flash_size_map());
    return size ? size / SPI_FLASH_SEC_SIZE - 5u : 0u;
}

int platform_init(struct ota_platform *p)
{
    memset(p, 0, sizeof *p);
    p->layout = abota_layout_find(OTA_LAYOUT);
    if (!p->layout)
        return ABOTA_ERR_LAYOUT_UNKNOWN;

    /* The layout must be the one the bins were built for: a 512+512 layout
     * on a 1024+1024 build would write user2 where nothing boots it. */
    flash_size_map map = system_get_flash_size_map();
    const struct abota_region *user2 = abota_layout_slot(p->layout, 2);
    if (!user2 || user2->offset != map_user2(map) ||
        p->layout->flash_size > map_chip_size(map)) {
        printf("layout %s does not match the SDK's flash size map %d\n", OTA_LAYOUT, (int)map);
        return ABOTA_ERR_LAYOUT_BOUNDS;
    }

    int rc = abota_esp8266_flash_init(&flash, p->layout->flash_size);
    if (rc < 0)
        return rc;
    abota_esp8266_net_init(&net);
    abota_esp8266_clock_init(&clk);
    p->flash = &flash.port;
    p->net = &net.port;
    p->clock = &clk.port;

#if OTA_ESPRESSIF_BOOT
    rc = abota_esp8266_running_slot_espressif();
#else
    /* What the loader started, from its hand-off: the record may still
     * name the other slot when the loader could not write its choice. */
    rc = abota_esp8266_running_slot(p->layout);
#endif
    if (rc < 0)
        return rc;
    running_slot = p->running_slot = rc;

    memcpy(p->url, OTA_URL, sizeof OTA_URL);
    memcpy(p->ssid, OTA_SSID, sizeof OTA_SSID);
    p->watchdog_ms = OTA_WATCHDOG_MS;
    p->console_is_terminal = 1; /* the UART goes to a serial terminal */
#ifdef OTA_SIGN_KEY_HEADER
    p->sign_key = abota_sign_key;
#endif
#ifdef OTA_MANIFEST_URL
    _Static_assert(sizeof OTA_MANIFEST_URL <= ABOTA_URL_MAX, "OTA_MANIFEST_URL is too long");
    memcpy(p->manifest_url, OTA_MANIFEST_URL, sizeof OTA_MANIFEST_URL);
    /* The rollout's id: the station MAC, unique per chip and fixed, so a
     * device stays on the same side of a release's share. */
    if (!wifi_get_macaddr(STATION_IF, p->device_id))
        return ABOTA_ERR_ARG;
    p->device_id_len = 6;
#endif
    return 0;
}

int platform_wifi_connect(struct ota_platform *p)
{
    (void)p; /* p->ssid is OTA_SSID; the password is not in it */
    static struct station_config sc;
    memset(&sc, 0, sizeof sc);
    memcpy(sc.ssid, OTA_SSID, sizeof OTA_SSID - 1);
    memcpy(sc.password, OTA_PASSWORD, sizeof OTA_PASSWORD - 1);

    /* Both are kept in the SDK's parameter sectors and rewritten only when
     * they change. Not in user_init: the SDK wants the station joined once
     * its own start is done. */
    if (!wifi_set_opmode(STATION_MODE) || !wifi_station_set_config(&sc) ||
        !wifi_station_connect()) {
        printf("wifi: the SDK refused the station setup\n");
        return ABOTA_ERR_NET_CONNECT;
    }
    for (uint32_t waited = 0; waited < OTA_WIFI_TIMEOUT_MS; waited += POLL_MS) {
        STATION_STATUS st = wifi_station_get_connect_status();
        switch (st) {
        case STATION_GOT_IP:
            return 0;
        case STATION_WRONG_PASSWORD:
            printf("wifi: wrong password\n");
            return ABOTA_ERR_NET_CONNECT;
        case STATION_NO_AP_FOUND:
            printf("wifi: no AP named %s\n", OTA_SSID);
            return ABOTA_ERR_NET_CONNECT;
        case STATION_CONNECT_FAIL:
            printf("wifi: association failed\n");
            return ABOTA_ERR_NET_CONNECT;
        case STATION_IDLE:
        case STATION_CONNECTING:
            break;
        }
        vTaskDelay(POLL_MS / portTICK_RATE_MS);
    }
    return ABOTA_ERR_NET_TIMEOUT;
}

void platform_flush(void)
{
    /* The SDK's printf writes to the UART as it goes. */
}

_Noreturn void platform_reboot(void)
{
#if OTA_ESPRESSIF_BOOT
    /* boot.bin starts "the other" bin once the upgrade flag says FINISH. */
    int rc = abota_esp8266_activate_espressif(abota_slot_other(running_slot));
    printf("cannot switch to the new bin: %s\n", abota_strerror(rc));
    platform_idle();
#else
    /* The boot record names the new slot already; the loader reads it. */
    abota_esp8266_activate();
    for (;;) /* activate() does not return; the compiler cannot know */
        vTaskDelay(1);
#endif
}

_Noreturn void platform_idle(void)
{
    /* The demo is done; the rest of the firmware (Wi-Fi, other tasks) runs
     * on. vTaskDelete(NULL) ends this task and does not come back. */
    vTaskDelete(NULL);
    for (;;)
        vTaskDelay(1000u / portTICK_RATE_MS);
}

void platform_report(enum ota_outcome what, int slot, int err)
{
    (void)what;
    (void)slot;
    (void)err;
}

_Noreturn void platform_crash(void)
{
    /* An illegal instruction, as a firmware bug would hit: the SDK's
     * exception handler reports it and restarts the chip, and the loader
     * counts the boot as a failed trial attempt. (GCC's __builtin_trap is
     * a debugger break on the lx106, not an exception.) */
    __asm__ volatile("ill");
    for (;;)
        vTaskDelay(1);
}

static void ota_task(void *arg)
{
    (void)arg;
    ota_demo_main();
}

void user_init(void)
{
    printf("abota ota_demo: starting the OTA task\n");
    xTaskCreate(ota_task, (const signed char *)"ota_demo", OTA_TASK_STACK_WORDS, NULL,
                OTA_TASK_PRIO, NULL);
}
