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
# CMake appends its per-build-type -O after these; the top CMakeLists.txt
# adds a last -Os for target CPUs so size is what they are built for.
foreach(config DEBUG RELEASE RELWITHDEBINFO MINSIZEREL)
  set(CMAKE_C_FLAGS_${config}_INIT "-Os -g")
endforeach()

set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
