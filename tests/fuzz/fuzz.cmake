# fuzz.cmake - libFuzzer targets (configure with CC=clang and -DDP_FUZZ=ON; see run.sh and
# README.md). The libraries get coverage instrumentation so libFuzzer can steer; the targets link
# the fuzzer runtime with AddressSanitizer and UndefinedBehaviorSanitizer. Only the fuzz_*
# targets link in such a build (run.sh builds just those).
if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
  message(WARNING "DP_FUZZ needs clang (CC=clang); fuzz targets skipped")
  return()
endif()
set(DP_FUZZ_FLAGS -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
foreach(lib dp_base dp_core dp_resources dp_templates dp_session dp_state dp_engine dp_rotate dp_task dp_cli)
  target_compile_options(${lib} PRIVATE ${DP_FUZZ_FLAGS})
endforeach()

# fuzz_loader: templates; fuzz_params: --parameters-file; fuzz_plan: saved plans (apply PLAN);
# fuzz_state: local state files, hash keys and lock records (engine + fake driver).
foreach(target fuzz_loader fuzz_params fuzz_plan fuzz_state)
  add_executable(${target} ${CMAKE_SOURCE_DIR}/tests/fuzz/${target}.c)
  target_compile_options(${target} PRIVATE -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
    -fno-omit-frame-pointer)
  target_link_options(${target} PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_libraries(${target} PRIVATE dp_all)
endforeach()
target_include_directories(fuzz_state PRIVATE ${CMAKE_SOURCE_DIR}/tests/unit)
