# Cross build for a Cortex-M3 with Debian's gcc-arm-none-eabi, newlib and
# librdimon (ARM semihosting). Only the core and its unit tests are built;
# the tests run under qemu-system-arm -M mps2-an385.
#   cmake -S . -B build-cm3 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-cortex-m3.cmake
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(ABOTA_TARGET_CPU cm3)

set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
set(CMAKE_AR arm-none-eabi-ar)
set(CMAKE_RANLIB arm-none-eabi-ranlib)
set(ABOTA_NM arm-none-eabi-nm)
set(ABOTA_SIZE arm-none-eabi-size)

set(CMAKE_C_FLAGS_INIT
    "-mcpu=cortex-m3 -mthumb --specs=rdimon.specs -ffunction-sections -fdata-sections -Werror")
set(CMAKE_ASM_FLAGS_INIT "-mcpu=cortex-m3 -mthumb")
include(${CMAKE_CURRENT_LIST_DIR}/toolchain-common.cmake)
