/* Every module of the device library in one include. Ports have their own
 * headers (abota/port_posix.h, abota/port_esp8266.h), included on purpose. */
#ifndef ABOTA_ABOTA_H
#define ABOTA_ABOTA_H

#include "abota/boot.h"
#include "abota/bootrec.h"
#include "abota/config.h"
#include "abota/crc32.h"
#include "abota/error.h"
#include "abota/flash.h"
#include "abota/http.h"
#include "abota/image.h"
#include "abota/journal.h"
#include "abota/layout.h"
#include "abota/manifest.h"
#include "abota/net.h"
#include "abota/poll.h"
#include "abota/sha256.h"
#include "abota/slot.h"
#include "abota/update.h"
#include "abota/url.h"
#include "abota/version.h"

#endif
