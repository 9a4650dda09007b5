# SPDX-License-Identifier: Apache-2.0
# libFuzzer target of the state/ room: the engine log parser and the state
# JSON. The room's sources are compiled into the target itself so they get
# coverage instrumentation whatever the library was built with.
if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "FUZZ=ON needs clang: cmake -DFUZZ=ON -DCMAKE_C_COMPILER=clang")
endif()
add_executable(fuzz-engine-parser fuzz/fuzz-engine-parser.c ${V2VW_STATE_SOURCES})
target_compile_options(fuzz-engine-parser PRIVATE
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
target_link_options(fuzz-engine-parser PRIVATE -fsanitize=fuzzer,address,undefined)
target_link_libraries(fuzz-engine-parser PRIVATE v2vw)
