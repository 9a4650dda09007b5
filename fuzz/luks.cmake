# libFuzzer targets (clang): the LUKS vault, the input document, the
# throttling file; plus the fuzz build settings every target shares.
if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "FUZZ=ON needs clang: cmake -DFUZZ=ON -DCMAKE_C_COMPILER=clang")
endif()

set(_v2vw_fuzz_san -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
# The rooms' libraries get coverage instrumentation (without libFuzzer's main), so
# the fuzzers see into the rooms' code; everything linking it gets ASan+UBSan.
foreach(room common state throttle luks outputs wrapper)
  target_compile_options(v2vw-${room} PRIVATE -fsanitize=fuzzer-no-link ${_v2vw_fuzz_san})
  target_link_options(v2vw-${room} INTERFACE -fsanitize=address,undefined)
endforeach()

function(v2vw_luks_fuzz_target name)
  add_executable(${name} ${ARGN})
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer ${_v2vw_fuzz_san})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_libraries(${name} PRIVATE v2vw)
endfunction()

v2vw_luks_fuzz_target(fuzz-vault fuzz/fuzz-vault.c)
v2vw_luks_fuzz_target(fuzz-config fuzz/fuzz-config.c)
v2vw_luks_fuzz_target(fuzz-throttle-file fuzz/fuzz-throttle-file.c)
