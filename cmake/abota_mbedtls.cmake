# Imported targets abota::mbedcrypto, abota::mbedx509 and abota::mbedtls for
# the mbedTLS libraries abota links. Debian's mbedTLS 2.28 ships neither a
# CMake package nor .pc files, so they are found by name. The build uses
# this file and so does the installed package (abotaConfig.cmake): the
# exported targets name abota::mbedcrypto, never this machine's path to it.
#
# abota_mbedtls_targets(RESULT [GLOBAL] LIB...): RESULT is TRUE when every
# LIB (mbedcrypto, mbedx509, mbedtls) has its target, else the first
# missing library's name.
function(abota_mbedtls_targets result)
  set(scope "")
  if(ARGV1 STREQUAL "GLOBAL")
    set(scope GLOBAL)
    list(REMOVE_AT ARGN 0)
  endif()
  foreach(lib IN LISTS ARGN)
    if(TARGET abota::${lib})
      continue()
    endif()
    find_library(ABOTA_${lib}_LIBRARY ${lib})
    if(NOT ABOTA_${lib}_LIBRARY)
      set(${result} ${lib} PARENT_SCOPE)
      return()
    endif()
    add_library(abota::${lib} UNKNOWN IMPORTED ${scope})
    set_target_properties(abota::${lib} PROPERTIES IMPORTED_LOCATION ${ABOTA_${lib}_LIBRARY})
  endforeach()
  set(${result} TRUE PARENT_SCOPE)
endfunction()
