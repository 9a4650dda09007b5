# Benchmarks of the state/ room (not run by `make check`).
add_executable(bench-parser bench/bench-parser.c)
target_link_libraries(bench-parser PRIVATE v2vw)
target_compile_definitions(bench-parser PRIVATE SHARED_DIR_DEFAULT="${SHARED_DIR}")
