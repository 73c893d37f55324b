/* A net port for host tests: the POSIX transport, but connection i (from
 * 0) ends after cut[i] received bytes, closed (recv returns 0) or reset
 * (ABOTA_ERR_NET_RESET) as reset[i] says; a WiFi drop mid-download. */
#ifndef ABOTA_TEST_DROPNET_H
#define ABOTA_TEST_DROPNET_H

#include <stdbool.h>
#include <stdint.h>

#include "abota/net.h"
#include "abota/port_posix.h"

#define DROPNET_MAX_CONNS 8

struct dropnet {
    struct abota_posix_net in;
    struct abota_net port;        /* hand this to the update engine */
    unsigned conns;               /* connections made */
    uint32_t got;                 /* bytes received on the current one */
    uint32_t cut[DROPNET_MAX_CONNS];  /* 0: no drop on that connection */
    bool reset[DROPNET_MAX_CONNS];
    unsigned drops;               /* drops done */
};

/* Zeroes d (no drops) and sets up its port. */
void dropnet_init(struct dropnet *d);

#endif
