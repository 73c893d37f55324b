/* The ESP8266 SDK declarations the port uses, and nothing else.
 *
 * Written from the SDK's documented API (ESP8266_RTOS_SDK v2.x headers
 * espressif/{c_types,spi_flash,upgrade,esp_system,esp_wifi,esp_sta}.h,
 * lwip/sockets.h, lwip/netdb.h), with the same names, types and values, so the port
 * compiles in CI without the SDK and links against the SDK's libraries on
 * the device. Build with -DABOTA_ESP8266_REAL_SDK to use the SDK's own
 * headers instead (the port then sees exactly the SDK's declarations).
 *
 * The socket calls are the RTOS SDK's lwIP (BSD sockets over FreeRTOS);
 * the NONOS SDK has no sockets (only espconn callbacks), see docs/PORTING.md.
 * lwIP's LWIP_COMPAT_SOCKETS maps the BSD names onto its functions with
 * macros; the RTOS SDK v2 defines SOCKETS_MT (lwipopts.h), which maps them
 * onto the task-safe lwip_*_mt wrappers (lwip/multi-threads/sockets_mt.h)
 * rather than the plain lwip_*, as done here. */
#ifndef ABOTA_ESP8266_SDK_H
#define ABOTA_ESP8266_SDK_H

#ifdef ABOTA_ESP8266_REAL_SDK

/* Compiled with the C library's headers (picolibc) on the include path,
 * which the SDK's headers meet in two places (ESP8266_RTOS_SDK v2.0.0,
 * `make esp8266-sdk` compiles against them with -Werror):
 * - c_types.h defines __packed unconditionally, and picolibc's
 *   <sys/cdefs.h> (from <string.h>) already did: the same attribute, so the
 *   C library's definition is dropped before the SDK's.
 * - errno: lwIP sets the plain global `errno` that libmain defines, with
 *   its own values (lwip/arch.h under LWIP_PROVIDE_ERRNO, set in
 *   arch/cc.h: Linux's numbers). picolibc's <errno.h> has other numbers
 *   (EISCONN 127, not 106) and makes errno a function call, so reading it
 *   would miss what lwIP reports. The port therefore never includes
 *   <errno.h> with the real SDK: errno and the E* values are lwIP's. */
#undef __packed
#include "esp_common.h" /* c_types, spi_flash, esp_system, esp_wifi, esp_sta, os_random */
#include "upgrade.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "lwip/netdb.h"
#include "lwip/sockets.h"
#ifndef LWIP_PROVIDE_ERRNO
#error "the port expects lwIP's own errno (LWIP_PROVIDE_ERRNO in the SDK's arch/cc.h)"
#endif

#define ABOTA_LWIP_EAGAIN EAGAIN
#define ABOTA_LWIP_ECONNRESET ECONNRESET
#define ABOTA_LWIP_EISCONN EISCONN
#define ABOTA_LWIP_ETIMEDOUT ETIMEDOUT
#define ABOTA_LWIP_ECONNREFUSED ECONNREFUSED
#define ABOTA_LWIP_EALREADY EALREADY
#define ABOTA_LWIP_EINPROGRESS EINPROGRESS

#else

#include <errno.h> /* errno; the values lwIP sets are ABOTA_LWIP_* below */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* c_types.h */
typedef unsigned char uint8;
typedef unsigned short uint16;
typedef unsigned int uint32;
typedef signed int sint32;

/* spi_flash.h */
typedef enum {
    SPI_FLASH_RESULT_OK,
    SPI_FLASH_RESULT_ERR,
    SPI_FLASH_RESULT_TIMEOUT
} SpiFlashOpResult;

#define SPI_FLASH_SEC_SIZE 4096

SpiFlashOpResult spi_flash_erase_sector(uint16 sec);
SpiFlashOpResult spi_flash_write(uint32 des_addr, uint32 *src_addr, uint32 size);
SpiFlashOpResult spi_flash_read(uint32 src_addr, uint32 *des_addr, uint32 size);

/* upgrade.h */
#define UPGRADE_FLAG_IDLE 0x00
#define UPGRADE_FLAG_START 0x01
#define UPGRADE_FLAG_FINISH 0x02
#define UPGRADE_FW_BIN1 0x00
#define UPGRADE_FW_BIN2 0x01

void system_upgrade_flag_set(uint8 flag);
uint8 system_upgrade_flag_check(void);
void system_upgrade_reboot(void);
uint8 system_upgrade_userbin_check(void);

/* esp_system.h */
void system_restart(void);
bool system_rtc_mem_read(uint8 src, void *dst, uint16 n);
uint32 system_get_time(void);
uint32 os_random(void);

/* FreeRTOS: the tick period (the SDK's configTICK_RATE_HZ is 100). */
typedef uint32 portTickType;
#define portTICK_RATE_MS ((portTickType)10)
void vTaskDelay(portTickType ticks);

/* FreeRTOS 7.5 as in the RTOS SDK v2: xTaskCreate is a macro. */
typedef void (*pdTASK_CODE)(void *);
typedef void *xTaskHandle;
typedef uint32 portSTACK_TYPE;
typedef struct xMEMORY_REGION xMemoryRegion;
signed long xTaskGenericCreate(pdTASK_CODE pxTaskCode, const signed char *const pcName,
                               unsigned short usStackDepth, void *pvParameters,
                               unsigned long uxPriority, xTaskHandle *pxCreatedTask,
                               portSTACK_TYPE *puxStackBuffer,
                               const xMemoryRegion *const xRegions);
#define xTaskCreate(code, name, depth, params, prio, handle) \
    xTaskGenericCreate((code), (name), (depth), (params), (prio), (handle), NULL, NULL)
void vTaskDelete(xTaskHandle xTaskToDelete);

/* esp_system.h: the flash size map (SPI_SIZE_MAP of the build). */
typedef enum {
    FLASH_SIZE_4M_MAP_256_256 = 0,
    FLASH_SIZE_2M,
    FLASH_SIZE_8M_MAP_512_512,
    FLASH_SIZE_16M_MAP_512_512,
    FLASH_SIZE_32M_MAP_512_512,
    FLASH_SIZE_16M_MAP_1024_1024,
    FLASH_SIZE_32M_MAP_1024_1024,
    FLASH_SIZE_32M_MAP_2048_2048,
    FLASH_SIZE_64M_MAP_1024_1024,
    FLASH_SIZE_128M_MAP_1024_1024
} flash_size_map;
flash_size_map system_get_flash_size_map(void);

/* esp_wifi.h and esp_sta.h of the RTOS SDK v2: the station calls. The
 * SDK's bool (c_types.h) is an unsigned char; _Bool has the same size and
 * register convention, and these calls return only 0 or 1.
 * NONOS differs: wifi_set_opmode takes a uint8 (STATION_MODE is a #define
 * 0x01), its struct station_config has more members after bssid (a scan
 * threshold, and in 3.x open_and_wep_mode_disable and more), and
 * wifi_station_get_connect_status returns a uint8. */
typedef enum {
    NULL_MODE = 0,
    STATION_MODE,
    SOFTAP_MODE,
    STATIONAP_MODE,
    MAX_MODE
} WIFI_MODE;

struct station_config {
    uint8 ssid[32];     /* not NUL-terminated when 32 bytes long */
    uint8 password[64];
    uint8 bssid_set;    /* 1: join only the AP with this bssid */
    uint8 bssid[6];
};

typedef enum {
    STATION_IDLE = 0,
    STATION_CONNECTING,
    STATION_WRONG_PASSWORD,
    STATION_NO_AP_FOUND,
    STATION_CONNECT_FAIL,
    STATION_GOT_IP
} STATION_STATUS;

typedef enum {
    STATION_IF = 0,
    SOFTAP_IF,
    MAX_IF
} WIFI_INTERFACE;

bool wifi_set_opmode(WIFI_MODE opmode);
bool wifi_get_macaddr(WIFI_INTERFACE if_index, uint8 *macaddr); /* 6 bytes */
bool wifi_station_set_config(struct station_config *config);
bool wifi_station_connect(void);
STATION_STATUS wifi_station_get_connect_status(void);

/* lwip/sockets.h (values as lwIP defines them) */
typedef uint8 u8_t;
typedef uint16 u16_t;
typedef uint32 u32_t;
typedef u32_t socklen_t;

struct in_addr {
    u32_t s_addr;
};
struct sockaddr_in {
    u8_t sin_len;
    u8_t sin_family;
    u16_t sin_port;
    struct in_addr sin_addr;
    char sin_zero[8];
};
struct sockaddr {
    u8_t sa_len;
    u8_t sa_family;
    char sa_data[14];
};

#define AF_INET 2
#define SOCK_STREAM 1
#define IPPROTO_TCP 6
#define SOL_SOCKET 0xfff
#define SO_SNDTIMEO 0x1005
#define SO_RCVTIMEO 0x1006
#define SO_ERROR 0x1007
#define TCP_NODELAY 0x01
#define F_GETFL 3
#define F_SETFL 4
#define O_NONBLOCK 1

/* lwip/multi-threads/sockets_mt.h (SOCKETS_MT) */
int lwip_socket_mt(int domain, int type, int protocol);
int lwip_connect_mt(int s, const struct sockaddr *name, socklen_t namelen);
int lwip_send_mt(int s, const void *data, size_t size, int flags);
int lwip_recv_mt(int s, void *mem, size_t len, int flags);
int lwip_close_mt(int s);
int lwip_setsockopt_mt(int s, int level, int optname, const void *optval, socklen_t optlen);
int lwip_getsockopt_mt(int s, int level, int optname, void *optval, socklen_t *optlen);
int lwip_fcntl_mt(int s, int cmd, int val);

#define socket(a, b, c) lwip_socket_mt(a, b, c)
#define connect(a, b, c) lwip_connect_mt(a, b, c)
#define send(a, b, c, d) lwip_send_mt(a, b, c, d)
#define recv(a, b, c, d) lwip_recv_mt(a, b, c, d)
#define closesocket(s) lwip_close_mt(s)
#define setsockopt(a, b, c, d, e) lwip_setsockopt_mt(a, b, c, d, e)
#define getsockopt(a, b, c, d, e) lwip_getsockopt_mt(a, b, c, d, e)
#define fcntl(a, b, c) lwip_fcntl_mt(a, b, c)

/* lwip/netdb.h */
struct hostent {
    char *h_name;
    char **h_aliases;
    int h_addrtype;
    int h_length;
    char **h_addr_list;
};
struct hostent *lwip_gethostbyname(const char *name);
#define gethostbyname(name) lwip_gethostbyname(name)

/* lwIP's errno values (lwip/arch.h, LWIP_PROVIDE_ERRNO; the same as Linux). */
#define ABOTA_LWIP_EAGAIN 11
#define ABOTA_LWIP_ECONNRESET 104
#define ABOTA_LWIP_EISCONN 106
#define ABOTA_LWIP_ETIMEDOUT 110
#define ABOTA_LWIP_ECONNREFUSED 111
#define ABOTA_LWIP_EALREADY 114
#define ABOTA_LWIP_EINPROGRESS 115

#endif /* ABOTA_ESP8266_REAL_SDK */

#endif
