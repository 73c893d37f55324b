/* ESP8266 clock, running slot and activation (restart) over the SDK. */
#include <string.h>

#include "../../loader/esp8266/handoff.h"
#include "abota/error.h"
#include "abota/layout.h"
#include "abota/port_esp8266.h"
#include "sdk/esp8266_sdk.h"

/* ---- clock ------------------------------------------------------------ */

/* system_get_time() counts microseconds in 32 bits and wraps every 71.6
 * minutes; dividing it by 1000 would wrap at 4294967 ms, which breaks the
 * callers' unsigned subtraction. Accumulate the elapsed microseconds instead,
 * so the millisecond count wraps at 2^32 like net.h says. */
static uint32_t esp_now_ms(void *ctx)
{
    struct abota_esp8266_clock *c = ctx;
    uint32_t now = system_get_time();
    uint32_t elapsed = now - c->_last_us; /* unsigned: right across the wrap */
    c->_last_us = now;
    uint32_t us = c->_rem_us + elapsed % 1000u;
    c->_ms += elapsed / 1000u + us / 1000u;
    c->_rem_us = us % 1000u;
    return c->_ms;
}

static void esp_sleep_ms(void *ctx, uint32_t ms)
{
    (void)ctx;
    /* Round up to whole ticks; at least one tick so other tasks run. */
    uint32_t ticks = ms / portTICK_RATE_MS + (ms % portTICK_RATE_MS != 0);
    vTaskDelay(ticks ? ticks : 1u);
}

static uint32_t esp_random(void *ctx)
{
    (void)ctx;
    return os_random();
}

void abota_esp8266_clock_init(struct abota_esp8266_clock *c)
{
    memset(c, 0, sizeof *c);
    c->port.ctx = c;
    c->port.now_ms = esp_now_ms;
    c->port.sleep_ms = esp_sleep_ms;
    c->port.random = esp_random;
    c->_last_us = system_get_time();
}

/* ---- running slot and activation ------------------------------------------ */

int abota_esp8266_running_slot(const struct abota_layout *l)
{
    uint32 h[2]; /* magic, image address (handoff.h) */
    if (!l || !system_rtc_mem_read(ABOTA_HANDOFF_RTC_BLOCK, h, sizeof h) ||
        h[0] != ABOTA_HANDOFF_MAGIC)
        return ABOTA_ERR_BOOT_NO_HANDOFF;
    for (int slot = ABOTA_SLOT_1; slot <= ABOTA_SLOT_2; slot++)
        if (abota_layout_slot(l, slot)->offset == h[1])
            return slot;
    return ABOTA_ERR_BOOT_NO_HANDOFF; /* a slot of another layout */
}

int abota_esp8266_running_slot_espressif(void)
{
    return system_upgrade_userbin_check() == UPGRADE_FW_BIN1 ? ABOTA_SLOT_1 : ABOTA_SLOT_2;
}

void abota_esp8266_activate(void)
{
    system_restart();
    for (;;) /* system_restart() only schedules the restart */
        vTaskDelay(1);
}

int abota_esp8266_activate_espressif(int target_slot)
{
    if (target_slot != ABOTA_SLOT_1 && target_slot != ABOTA_SLOT_2)
        return ABOTA_ERR_SLOT_INVALID;
    /* system_upgrade_reboot() starts "the other" bin: it must be the target. */
    if (target_slot == abota_esp8266_running_slot_espressif())
        return ABOTA_ERR_SLOT_RUNNING;
    system_upgrade_flag_set(UPGRADE_FLAG_FINISH);
    system_upgrade_reboot();
    for (;;)
        vTaskDelay(1);
}
