/* The OTA example on the ESP8266 (RTOS SDK): an SDK user's user_init that
 * starts one update task. The task waits for an IP address, confirms the
 * running image (with abota's loader), runs abota_update_run() into the slot
 * that is not running, and restarts into the new image. Settings:
 * ota_config.h. */
#include <stdio.h>

#include "abota/boot.h"
#include "abota/error.h"
#include "abota/layout.h"
#include "abota/port_esp8266.h"
#include "abota/update.h"
#include "ota_config.h"
#include "sdk/esp8266_sdk.h"

void user_init(void);

/* The engine's state is static, not on the task's stack: its size is known
 * at link time and the stack only carries the call chain. */
static struct abota_esp8266_flash ota_flash;
static struct abota_esp8266_net ota_net;
static struct abota_esp8266_clock ota_clock;
static struct abota_update ota;
static uint32_t ota_buf[(OTA_RX_BUF + 3) / 4]; /* word-aligned for the flash port */

static void ota_event(void *arg, const struct abota_update_event *ev)
{
    (void)arg;
    if (ev->step == ABOTA_EV_PROGRESS)
        printf("ota: %u/%u\n", (unsigned)ev->done, (unsigned)ev->total);
    else if (ev->step == ABOTA_EV_RETRY || ev->step == ABOTA_EV_WARNING)
        printf("ota: step %d: %s\n", (int)ev->step, abota_strerror(ev->err));
}

static int ota_run(void)
{
    const struct abota_layout *l = abota_layout_find(OTA_LAYOUT);
    if (!l)
        return ABOTA_ERR_LAYOUT_UNKNOWN;
    int r = abota_esp8266_flash_init(&ota_flash, l->flash_size);
    if (r < 0)
        return r;
    abota_esp8266_net_init(&ota_net);
    abota_esp8266_clock_init(&ota_clock);

#if OTA_ESPRESSIF_BOOT
    int running = abota_esp8266_running_slot_espressif();
#else
    int running = abota_esp8266_running_slot(&ota_flash.port, l);
    if (running < 0)
        return running;
    /* Reaching the network is this example's self-test: end the trial so
     * the loader does not roll back. A real firmware confirms after its
     * own checks. */
    r = abota_confirm(&ota_flash.port, l);
    if (r < 0)
        return r;
#endif
    const struct abota_update_config cfg = {
        .url = OTA_URL,
        .connect_timeout_ms = OTA_CONNECT_TIMEOUT_MS,
        .idle_timeout_ms = OTA_IDLE_TIMEOUT_MS,
    };
    r = abota_update_init(&ota, &cfg, &ota_flash.port, l, &ota_net.port, &ota_clock.port,
                          (uint8_t *)ota_buf, sizeof ota_buf);
    if (r < 0)
        return r;
    abota_update_set_callback(&ota, ota_event, NULL);
    r = abota_update_run(&ota, running);
    if (r < 0)
        return r;
    printf("ota: slot %d written and verified, restarting\n", ota.target_slot);
#if OTA_ESPRESSIF_BOOT
    return abota_esp8266_activate_espressif(ota.target_slot);
#else
    abota_esp8266_activate();
    return 0;
#endif
}

static void ota_task(void *arg)
{
    (void)arg;
    while (wifi_station_get_connect_status() != STATION_GOT_IP)
        vTaskDelay(100 / portTICK_RATE_MS);
    int r = ota_run();
    printf("ota: %s (%s)\n", abota_strerror(r), abota_strerror_name(r));
    vTaskDelete(NULL);
}

void user_init(void)
{
    xTaskCreate(ota_task, (const signed char *)"abota", OTA_TASK_STACK_WORDS, NULL,
                OTA_TASK_PRIO, NULL);
}
