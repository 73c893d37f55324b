# What every bare-metal toolchain file here shares; included at their end.

# CMake appends its per-build-type -O after the toolchain's flags; the top
# CMakeLists.txt adds a last -Os for target CPUs so size is what they are
# built for.
foreach(config DEBUG RELEASE RELWITHDEBINFO MINSIZEREL)
  set(CMAKE_C_FLAGS_${config}_INIT "-Os -g")
endforeach()

# No startup files or linker script until tests/target provides them.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
