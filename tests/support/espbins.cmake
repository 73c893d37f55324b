# The Espressif-format bins the tests run on (espbins.h). Included by
# tests/CMakeLists.txt and tests/target/CMakeLists.txt.
#
# The build writes one set with espbins_gen.py into ABOTA_ESPBINS_DIR (target
# abota_espbins). The test programs in ABOTA_ESPRESSIF_TESTS are also built
# with ABOTA_TEST_ESPRESSIF=1 to run on Espressif's own bins in
# ABOTA_SHARED_DIR/fixtures/esp8266; ctest reports them Skipped when that
# directory is missing.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
set(ABOTA_ESPBINS_DIR ${PROJECT_BINARY_DIR}/tests/espbins)
set(ABOTA_ESPRESSIF_TESTS esp_image crc32 sha256 image_verify slot_esp cli_image flash_esp8266)

set(_espbins_gen ${CMAKE_CURRENT_LIST_DIR}/espbins_gen.py)
add_custom_command(OUTPUT ${ABOTA_ESPBINS_DIR}/stamp
  COMMAND ${Python3_EXECUTABLE} ${_espbins_gen} ${ABOTA_ESPBINS_DIR}
  COMMAND ${CMAKE_COMMAND} -E touch ${ABOTA_ESPBINS_DIR}/stamp
  DEPENDS ${_espbins_gen}
  COMMENT "Writing the Espressif-format test bins")
add_custom_target(abota_espbins ALL DEPENDS ${ABOTA_ESPBINS_DIR}/stamp)

# abota_add_tests(FUNCTION SOURCE...): FUNCTION(name src short) for each
# test_SHORT.c, and when SHORT is in ABOTA_ESPRESSIF_TESTS once more as
# (test_SHORT_espressif, src, SHORT.espressif) built with ABOTA_TEST_ESPRESSIF=1.
function(abota_add_tests fn)
  foreach(src ${ARGN})
    get_filename_component(name ${src} NAME_WE)
    string(REGEX REPLACE "^test_" "" short ${name})
    cmake_language(CALL ${fn} ${name} ${src} ${short})
    if(short IN_LIST ABOTA_ESPRESSIF_TESTS)
      cmake_language(CALL ${fn} ${name}_espressif ${src} ${short}.espressif)
      target_compile_definitions(${name}_espressif PRIVATE ABOTA_TEST_ESPRESSIF=1)
    endif()
  endforeach()
endfunction()
