# Building firmware with Espressif's ESP8266_RTOS_SDK v2.0.0 (its headers,
# prebuilt libraries and linker scripts) and Debian's xtensa-lx106-elf-gcc.
# The SDK is not part of abota: it is looked for beside the project
# (ABOTA_SHARED_DIR/esp8266-rtos-sdk-v2.0.0, or -DABOTA_ESP8266_SDK_DIR=...),
# and everything here is skipped when it is absent.
set(ABOTA_ESP8266_SDK_DIR "${ABOTA_SHARED_ABS}/esp8266-rtos-sdk-v2.0.0"
    CACHE PATH "ESP8266_RTOS_SDK v2.0.0 (headers, lib/*.a, ld/)")
if(EXISTS ${ABOTA_ESP8266_SDK_DIR}/include/espressif/upgrade.h
   AND EXISTS ${ABOTA_ESP8266_SDK_DIR}/lib/libmain.a)
  set(ABOTA_ESP8266_SDK_FOUND TRUE)
else()
  set(ABOTA_ESP8266_SDK_FOUND FALSE)
endif()
set(_sdk ${ABOTA_ESP8266_SDK_DIR})

# The SDK's include directories, as system directories: its headers declare
# functions with empty parentheses (upgrade.h, esp_system.h, xtruntime.h),
# which abota's -Wstrict-prototypes -Werror would reject; abota's own files
# keep every warning. The clashes between the SDK's headers and the C
# library's are resolved in src/port/esp8266/sdk/esp8266_sdk.h.
set(ABOTA_ESP8266_SDK_INCLUDES ${_sdk}/include ${_sdk}/include/espressif ${_sdk}/include/lwip
    ${_sdk}/include/lwip/ipv4 ${_sdk}/include/lwip/ipv6 ${_sdk}/extra_include)

# Compiles a target against the SDK's headers with the SDK's own code
# generation flags (literals next to their code, as its Makefile does).
function(abota_esp8266_sdk_compile target)
  target_include_directories(${target} SYSTEM PRIVATE ${ABOTA_ESP8266_SDK_INCLUDES})
  target_compile_definitions(${target} PRIVATE ABOTA_ESP8266_REAL_SDK ICACHE_FLASH)
  target_compile_options(${target} PRIVATE -mtext-section-literals)
endfunction()

# The SDK libraries a firmware with Wi-Fi station, lwIP sockets and FreeRTOS
# needs (the rest of lib/ is optional components: SSL, MQTT, SPIFFS...).
# libcirom (the SDK's C library) is not in this copy of the SDK: the ROM
# provides memcpy, memset, memcmp, strlen... (ld/eagle.rom.addr.v6.ld),
# libminic strchr, strrchr, sprintf, and picolibc the rest (libc_extra).
set(ABOTA_ESP8266_SDK_LIBS freertos lwip net80211 phy pp wpa crypto gcc minic)

# Links firmware NAME from OBJS (object files and libraries, in order) with
# linker script LD and libmain LIBMAIN, and writes the user bin BIN for app
# APP and size map MAP (scripts/esp_userbin.py). The map file is NAME.map.
function(abota_esp8266_sdk_firmware name)
  cmake_parse_arguments(F "" "LD;LIBMAIN;BIN;APP;MAP" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${F_SOURCES})
  set_target_properties(${name} PROPERTIES SUFFIX .elf LINK_DEPENDS ${_sdk}/ld/${F_LD})
  set(libs "")
  foreach(l ${ABOTA_ESP8266_SDK_LIBS})
    list(APPEND libs ${_sdk}/lib/lib${l}.a)
  endforeach()
  # As the SDK's project Makefile links: its script (which INCLUDEs
  # ../ld/eagle.app.v6.common.ld, found along -L), no start files, the
  # entry call_user_start kept, unused sections dropped. The script places
  # every .text.* in flash (irom0) and .text in IRAM, and the segments
  # it makes overlap by LMA (--no-check-sections, as the SDK does); its
  # LOAD segment holding IRAM code and data is RWX by design.
  target_link_options(${name} PRIVATE -nostdlib -nostartfiles -L${_sdk}/ld -T${F_LD}
                      -Wl,--no-check-sections -Wl,--gc-sections -Wl,--no-warn-rwx-segments
                      -Wl,-static -u call_user_start -Wl,-Map=${name}.map)
  target_link_libraries(${name} PRIVATE -Wl,--start-group ${F_LIBS} ${F_LIBMAIN} ${libs}
                        -Wl,--end-group)
  add_custom_command(TARGET ${name} POST_BUILD
    COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/scripts/esp_userbin.py
            $<TARGET_FILE:${name}> ${F_BIN} --app ${F_APP} --map ${F_MAP}
    BYPRODUCTS ${F_BIN}
    VERBATIM)
endfunction()
