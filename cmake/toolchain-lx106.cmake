# Cross build for the ESP8266's CPU (Tensilica lx106) with Debian's
# gcc-xtensa-lx106 and picolibc-xtensa-lx106-elf. Only the core and its
# unit tests are built (see the top CMakeLists.txt); the tests run under
# qemu-system-xtensa -M sim -cpu lx106 (tests/target/CMakeLists.txt).
#   cmake -S . -B build-lx106 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-lx106.cmake
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR xtensa)
set(ABOTA_TARGET_CPU lx106)

set(CMAKE_C_COMPILER xtensa-lx106-elf-gcc)
set(CMAKE_ASM_COMPILER xtensa-lx106-elf-gcc)
set(CMAKE_AR xtensa-lx106-elf-ar)
set(CMAKE_RANLIB xtensa-lx106-elf-ranlib)
set(ABOTA_NM xtensa-lx106-elf-nm)
set(ABOTA_SIZE xtensa-lx106-elf-size)
set(ABOTA_OBJCOPY xtensa-lx106-elf-objcopy)

# GCC does not find the specs by name: give the full path.
set(ABOTA_PICOLIBC_SPECS /usr/lib/xtensa-lx106-elf/picolibc.specs)

# -mlongcalls as in ESP8266 firmware builds: code may sit in IRAM and in
# flash, farther apart than call0 reaches (+-512K).
set(CMAKE_C_FLAGS_INIT
    "--specs=${ABOTA_PICOLIBC_SPECS} -mlongcalls -ffunction-sections -fdata-sections -Werror")
set(CMAKE_ASM_FLAGS_INIT "--specs=${ABOTA_PICOLIBC_SPECS}")
include(${CMAKE_CURRENT_LIST_DIR}/toolchain-common.cmake)
