# fuzz.cmake - libFuzzer targets (configure with CC=clang and -DDP_FUZZ=ON; see run.sh).
# The template library gets coverage instrumentation so libFuzzer can steer; the target links
# the fuzzer runtime with AddressSanitizer and UndefinedBehaviorSanitizer.
if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
  message(WARNING "DP_FUZZ needs clang (CC=clang); fuzz targets skipped")
  return()
endif()
target_compile_options(dp_templates PRIVATE -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
add_executable(fuzz_loader ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_loader.c)
target_compile_options(fuzz_loader PRIVATE -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer)
target_link_options(fuzz_loader PRIVATE -fsanitize=fuzzer,address,undefined)
target_link_libraries(fuzz_loader PRIVATE dp_templates)
