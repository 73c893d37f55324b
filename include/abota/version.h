/* abota's own version (the library and the CLI). */
#ifndef ABOTA_VERSION_H
#define ABOTA_VERSION_H

#define ABOTA_VERSION_MAJOR 0
#define ABOTA_VERSION_MINOR 1
#define ABOTA_VERSION_PATCH 0
#define ABOTA_VERSION_STRING "0.1.0"

#endif
