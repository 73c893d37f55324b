/* The POSIX port from outside abota's tree: a flash file and a TLS pin,
 * whose code needs mbedTLS (abota::posix must bring it).
 * Usage: consumer_posix FLASH_FILE */
#include <stdio.h>
#include <string.h>

#include "abota/error.h"
#include "abota/flash.h"
#include "abota/port_posix.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: consumer_posix FLASH_FILE\n");
        return 2;
    }
    const struct abota_layout *l = abota_posix_layout_find("esp8266-1m");
    if (!l) {
        printf("FAIL: no layout esp8266-1m\n");
        return 1;
    }
    static struct abota_posix_flash pf;
    int rc = abota_posix_flash_open(&pf, argv[1], l->flash_size, l->sector_size, l->write_align,
                                    ABOTA_POSIX_FLASH_CREATE);
    if (rc < 0) {
        printf("FAIL: flash open: %s\n", abota_strerror(rc));
        return 1;
    }
    uint8_t b[4] = {0};
    rc = abota_flash_read(&pf.port, l->slot[1].offset, b, sizeof b);
    abota_posix_flash_close(&pf);
    if (rc < 0 || memcmp(b, "\xff\xff\xff\xff", 4) != 0) {
        printf("FAIL: a new flash file reads erased (rc %d)\n", rc);
        return 1;
    }

    uint8_t pin[32];
    if (abota_posix_tls_parse_pin("00112233445566778899aabbccddeeff"
                                  "00112233445566778899AABBCCDDEEFF", pin) != 0 ||
        pin[1] != 0x11 || pin[31] != 0xff ||
        abota_posix_tls_parse_pin("0011", pin) != ABOTA_ERR_ARG) {
        printf("FAIL: abota_posix_tls_parse_pin\n");
        return 1;
    }
    printf("consumer_posix ok\n");
    return 0;
}
