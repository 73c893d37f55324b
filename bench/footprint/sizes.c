/* Prints the RAM an update needs on the target CPU: the engine's struct (and
 * its biggest parts), the receive buffer, and the ESP8266 port's objects.
 * Run under QEMU by scripts/size.sh (make size) and by ctest. */
#include <stdio.h>

#include "abota/port_esp8266.h"
#include "abota/update.h"

#define RX_BUF 1460u

#if defined(ABOTA_PROFILE_SMALL) && ABOTA_PROFILE_SMALL
#define ABOTA_PROFILE_NAME "small"
#else
#define ABOTA_PROFILE_NAME "default"
#endif

static void row(const char *what, unsigned long n)
{
    printf("%8lu  %s\n", n, what);
}

int main(void)
{
    struct abota_update u;
    unsigned long port = sizeof(struct abota_esp8266_flash) + sizeof(struct abota_esp8266_net) +
                         sizeof(struct abota_esp8266_clock);
    printf("   bytes  RAM of one update (static; the stack is listed separately), %s profile\n",
           ABOTA_PROFILE_NAME);
    row("struct abota_update", sizeof u);
    row("  .state_ (the engine's private state), of which:", sizeof u.state_);
    row("    struct abota_url", sizeof(struct abota_url));
    row(ABOTA_FEATURE_SHA256 ? "    struct abota_slot_writer (SHA-256 state inside)"
                             : "    struct abota_slot_writer (no SHA-256)",
        sizeof(struct abota_slot_writer));
    row("    struct abota_http (the response parser)", sizeof(struct abota_http));
    row("      .resp (struct abota_http_resp, the stored header values)",
        sizeof(struct abota_http_resp));
    if (ABOTA_FEATURE_RESUME)
        row("    struct abota_journal (the progress journal)", sizeof(struct abota_journal));
    row("(on the verification's stack: struct abota_image_info)",
        sizeof(struct abota_image_info));
    row("  .cfg (struct abota_update_config)", sizeof u.cfg);
    row("receive buffer", RX_BUF);
    row("ESP8266 port objects (flash + net + clock)", port);
    row("total: update + buffer", sizeof u + RX_BUF);
    row("total: update + buffer + port objects", sizeof u + RX_BUF + port);
    return 0;
}
