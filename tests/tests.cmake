# tests.cmake - test registration by convention, so that areas never edit a shared list.
#
#  tests/unit/test_NAME.c         -> executable test_NAME, CTest case "unit.NAME"
#  tests/unit/test_NAME.cmake     -> if present, registers test_NAME's cases itself
#                                    (e.g. one CTest case per SigV4 suite case)
#  tests/integration/test_NAME.sh -> CTest case "integration.NAME", runs against the shared
#                                    moto server fixture (environment: see tests/moto/README.md)
set(DP_TEST_ENV
  "DMSPROV=$<TARGET_FILE:dmsprov>"
  "DP_SOURCE_DIR=${CMAKE_SOURCE_DIR}"
  "DP_BUILD_DIR=${CMAKE_BINARY_DIR}"
  "MOTO_STATE_DIR=${CMAKE_BINARY_DIR}/moto"
  "NO_COLOR=1")

file(GLOB DP_UNIT_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/unit/test_*.c)
foreach(src ${DP_UNIT_TESTS})
  get_filename_component(name ${src} NAME_WE)
  string(REGEX REPLACE "^test_" "" short ${name})
  add_executable(${name} ${src})
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/tests/unit ${CMAKE_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE dp_all)
  if(EXISTS ${CMAKE_SOURCE_DIR}/tests/unit/${name}.cmake)
    include(${CMAKE_SOURCE_DIR}/tests/unit/${name}.cmake)
  else()
    add_test(NAME unit.${short} COMMAND ${name})
    set_tests_properties(unit.${short} PROPERTIES ENVIRONMENT "${DP_TEST_ENV}"
      WORKING_DIRECTORY ${CMAKE_SOURCE_DIR} TIMEOUT 120)
  endif()
endforeach()

# One moto server per test run: started by a setup fixture, stopped by a cleanup fixture.
add_test(NAME moto.start COMMAND ${CMAKE_SOURCE_DIR}/tests/moto/start.sh ${CMAKE_BINARY_DIR}/moto)
add_test(NAME moto.stop COMMAND ${CMAKE_SOURCE_DIR}/tests/moto/stop.sh ${CMAKE_BINARY_DIR}/moto)
set_tests_properties(moto.start PROPERTIES FIXTURES_SETUP moto TIMEOUT 90)
set_tests_properties(moto.stop PROPERTIES FIXTURES_CLEANUP moto)

file(GLOB DP_INTEGRATION_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/integration/test_*.sh)
foreach(script ${DP_INTEGRATION_TESTS})
  get_filename_component(name ${script} NAME_WE)
  string(REGEX REPLACE "^test_" "" short ${name})
  add_test(NAME integration.${short} COMMAND bash ${script})
  set_tests_properties(integration.${short} PROPERTIES FIXTURES_REQUIRED moto
    ENVIRONMENT "${DP_TEST_ENV}" WORKING_DIRECTORY ${CMAKE_SOURCE_DIR} TIMEOUT 600
    SKIP_RETURN_CODE 77)
endforeach()

# Test tools: tests/tools/NAME.c -> executable NAME (used by integration scripts, not tests).
file(GLOB DP_TEST_TOOLS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/tools/*.c)
foreach(src ${DP_TEST_TOOLS})
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src})
  target_link_libraries(${name} PRIVATE dp_all)
endforeach()

# The layering rules the build enforces (docs/ARCHITECTURE.md): a header of a library that a
# library does not link must not be reachable from it. Checked with the real compile flags.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_FOUND)
  add_test(NAME layering.enforced COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/layering/check_layering.py
    ${CMAKE_BINARY_DIR})
  set_tests_properties(layering.enforced PROPERTIES ENVIRONMENT "${DP_TEST_ENV}" TIMEOUT 120)
endif()
