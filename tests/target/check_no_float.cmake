# cmake -DNM=<target nm> -DLIB=<static library> -P check_no_float.cmake
# Fails when an object in LIB calls a soft-float helper: the libgcc names
# (__adddf3, __floatsisf, __fixdfsi, __extendsfdf2, ...) and ARM's EABI
# ones (__aeabi_dadd, __aeabi_i2f, __aeabi_fcmplt, ...). Debian's lx106
# libgcc has no such helpers (the ESP8266 keeps them in ROM), so the core
# must not need them.
if(NOT NM OR NOT LIB)
  message(FATAL_ERROR "usage: cmake -DNM=nm -DLIB=lib.a -P check_no_float.cmake")
endif()
if(NOT EXISTS "${LIB}")
  message(FATAL_ERROR "check_no_float: ${LIB} does not exist")
endif()
execute_process(COMMAND ${NM} -u "${LIB}" OUTPUT_VARIABLE undefined RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "check_no_float: ${NM} failed on ${LIB}")
endif()
string(REGEX MATCHALL "[A-Za-z0-9_]+" symbols "${undefined}")
set(bad "")
foreach(sym ${symbols})
  if(sym MATCHES "^__[a-z]+[sdtx]f[0-9]?$" OR sym MATCHES "^__aeabi_([fd][a-z0-9]+|[a-z0-9]+2[fd][a-z]*)$")
    list(APPEND bad ${sym})
  endif()
endforeach()
if(bad)
  list(REMOVE_DUPLICATES bad)
  foreach(sym ${bad})
    message(STATUS "floating point helper referenced: ${sym}")
  endforeach()
  message(FATAL_ERROR "check_no_float: ${LIB} uses floating point")
endif()
list(LENGTH symbols n)
message(STATUS "check_no_float: ${LIB}: ${n} undefined symbols, none for floating point")
