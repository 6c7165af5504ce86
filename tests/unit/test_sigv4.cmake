# test_sigv4.cmake - one CTest case per SigV4 suite case and signing kind: sigv4.<kind>.<case>.
# include()d from tests.cmake in its loop over unit tests (target test_sigv4 exists already).
# The suite is kept in the repository (tests/data, Apache-2.0: LICENSE and NOTICE beside it), so
# a fresh clone tests the signer with nothing beside it.
set(DP_SIGV4_SUITE ${CMAKE_SOURCE_DIR}/tests/data/aws-sigv4-test-suite/v4)
file(GLOB dp_sigv4_entries LIST_DIRECTORIES true ${DP_SIGV4_SUITE}/*)
set(dp_sigv4_ncases 0)
foreach(dp_sigv4_dir ${dp_sigv4_entries})
  if(IS_DIRECTORY ${dp_sigv4_dir} AND EXISTS ${dp_sigv4_dir}/request.txt)
    get_filename_component(dp_sigv4_case ${dp_sigv4_dir} NAME)
    foreach(dp_sigv4_kind header query)
      add_test(NAME sigv4.${dp_sigv4_kind}.${dp_sigv4_case}
               COMMAND test_sigv4 ${dp_sigv4_dir} ${dp_sigv4_kind})
      set_tests_properties(sigv4.${dp_sigv4_kind}.${dp_sigv4_case} PROPERTIES
        ENVIRONMENT "${DP_TEST_ENV}" WORKING_DIRECTORY ${CMAKE_SOURCE_DIR} TIMEOUT 60
        LABELS sigv4)
    endforeach()
    math(EXPR dp_sigv4_ncases "${dp_sigv4_ncases} + 1")
  endif()
endforeach()
# A missing suite must fail loudly rather than leave zero signer tests.
if(dp_sigv4_ncases EQUAL 0)
  add_test(NAME sigv4.suite_missing
           COMMAND ${CMAKE_COMMAND} -E echo "SigV4 suite not found at ${DP_SIGV4_SUITE}")
  set_tests_properties(sigv4.suite_missing PROPERTIES WILL_FAIL TRUE)
endif()
