# test_template_corpus.cmake - one CTest case per corpus file under tests/templates/
# (templates.good.NAME must load and match; templates.bad.NAME must fail with exact errors).
file(GLOB DP_TEMPLATE_CASES CONFIGURE_DEPENDS
  ${CMAKE_SOURCE_DIR}/tests/templates/good/*.test
  ${CMAKE_SOURCE_DIR}/tests/templates/bad/*.test)
foreach(case ${DP_TEMPLATE_CASES})
  get_filename_component(case_name ${case} NAME_WE)
  get_filename_component(case_dir ${case} DIRECTORY)
  get_filename_component(case_kind ${case_dir} NAME)
  add_test(NAME templates.${case_kind}.${case_name} COMMAND ${name} ${case})
  set_tests_properties(templates.${case_kind}.${case_name} PROPERTIES ENVIRONMENT "${DP_TEST_ENV}"
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR} TIMEOUT 60)
endforeach()

# Every template under examples/ passes `dmsprov validate` and cfn-lint.
add_test(NAME templates.examples COMMAND bash ${CMAKE_SOURCE_DIR}/tests/templates/check_examples.sh)
set_tests_properties(templates.examples PROPERTIES ENVIRONMENT "${DP_TEST_ENV}"
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR} TIMEOUT 300 SKIP_RETURN_CODE 77)

# Corpus cases marked "cfn-lint" pass cfn-lint as well (dmsprov and cfn-lint agree).
add_test(NAME templates.cfn_lint_parity COMMAND bash ${CMAKE_SOURCE_DIR}/tests/templates/check_cfn_lint.sh)
set_tests_properties(templates.cfn_lint_parity PROPERTIES ENVIRONMENT "${DP_TEST_ENV}"
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR} TIMEOUT 300 SKIP_RETURN_CODE 77)
