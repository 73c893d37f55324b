# What `cmake --install` puts under the prefix (GNUInstallDirs):
#   lib/      libabota_core.a, libabota_posix.a or libabota_esp8266.a where built
#   include/  abota/*.h
#   bin/      abota (the CLI, where built)
#   lib/cmake/abota/  the package for find_package(abota CONFIG): abota::core,
#             abota::posix, abota::esp8266, abota::cli
#   lib/pkgconfig/    abota.pc, abota-posix.pc
# The package and the .pc files carry ABOTA_PUBLIC_DEFINITIONS and the
# mbedTLS libraries the build linked, and hold no absolute path: the prefix
# may move after the install.
include(CMakePackageConfigHelpers)

set(ABOTA_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/abota CACHE STRING
    "Where the CMake package goes, relative to the prefix")
# abota_NAME is exported as abota::NAME, the name of its alias in the build.
set(_libs abota_core)
set_target_properties(abota_core PROPERTIES EXPORT_NAME core)
foreach(port posix esp8266)
  if(TARGET abota_${port})
    list(APPEND _libs abota_${port})
    set_target_properties(abota_${port} PROPERTIES EXPORT_NAME ${port})
  endif()
endforeach()
install(TARGETS ${_libs} EXPORT abotaTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/abota DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.h")
if(TARGET abota)
  # Exported too, so a firmware build can run $<TARGET_FILE:abota::cli> pack.
  set_target_properties(abota PROPERTIES EXPORT_NAME cli)
  install(TARGETS abota EXPORT abotaTargets RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
install(EXPORT abotaTargets NAMESPACE abota:: DESTINATION ${ABOTA_INSTALL_CMAKEDIR})

# mbedTLS libraries the installed targets link, for the package to find.
set(ABOTA_INSTALL_MBEDTLS_LIBS "")
if(TARGET abota_posix)
  set(ABOTA_INSTALL_MBEDTLS_LIBS mbedtls mbedx509 mbedcrypto)
elseif(ABOTA_SHA256_MBEDTLS OR ABOTA_SIG_MBEDTLS)
  set(ABOTA_INSTALL_MBEDTLS_LIBS mbedcrypto)
endif()
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/abotaConfig.cmake.in
  ${PROJECT_BINARY_DIR}/abotaConfig.cmake INSTALL_DESTINATION ${ABOTA_INSTALL_CMAKEDIR})
# 0.x: a new minor version may change the API.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/abotaConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/abotaConfig.cmake
              ${PROJECT_BINARY_DIR}/abotaConfigVersion.cmake
              ${CMAKE_CURRENT_LIST_DIR}/abota_mbedtls.cmake
        DESTINATION ${ABOTA_INSTALL_CMAKEDIR})

# pkg-config: paths relative to the .pc file's own directory (${pcfiledir}).
file(RELATIVE_PATH _up /p/${CMAKE_INSTALL_LIBDIR}/pkgconfig /p)
string(REGEX REPLACE "/$" "" _up ${_up})
set(ABOTA_PC_PREFIX "\${pcfiledir}/${_up}")
foreach(dir LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE ${CMAKE_INSTALL_${dir}})
    set(ABOTA_PC_${dir} ${CMAKE_INSTALL_${dir}})
  else()
    set(ABOTA_PC_${dir} "\${prefix}/${CMAKE_INSTALL_${dir}}")
  endif()
endforeach()
list(TRANSFORM ABOTA_PUBLIC_DEFINITIONS PREPEND -D OUTPUT_VARIABLE _defs)
list(PREPEND _defs "-I\${includedir}")
list(JOIN _defs " " ABOTA_PC_CFLAGS)
# The libraries are static only, so what they link goes to Libs, not
# Libs.private: every link of abota is a static one, with or without
# --static. Debian's mbedTLS 2.28 has no .pc file to name in Requires.
set(ABOTA_PC_CORE_LIBS "")
if(ABOTA_SHA256_MBEDTLS OR ABOTA_SIG_MBEDTLS)
  set(ABOTA_PC_CORE_LIBS " -lmbedcrypto")
endif()
if(ABOTA_CRC32_ZLIB)
  string(APPEND ABOTA_PC_CORE_LIBS " -lz")
endif()
configure_file(${CMAKE_CURRENT_LIST_DIR}/abota.pc.in ${PROJECT_BINARY_DIR}/abota.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/abota.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
if(TARGET abota_posix)
  configure_file(${CMAKE_CURRENT_LIST_DIR}/abota-posix.pc.in ${PROJECT_BINARY_DIR}/abota-posix.pc
                 @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/abota-posix.pc
          DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endif()
