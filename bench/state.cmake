# Benchmarks of the state/ room (not run by `make check`).
add_executable(bench-parser bench/bench-parser.c)
target_link_libraries(bench-parser PRIVATE v2vw)
target_compile_definitions(bench-parser PRIVATE TEST_DATA_DIR_DEFAULT="${CMAKE_SOURCE_DIR}/tests/data")
