# Front door. The real build is CMake; this gives the short commands.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps build check check-sanitize fuzz fuzz-regress bench demo install clean

all: build

deps:
	@scripts/install-deps

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

check: build
	cd $(BUILD) && ctest --output-on-failure --timeout 900

# The whole test suite built with AddressSanitizer and UBSan.
check-sanitize: deps
	cmake -S . -B $(BUILD)-sanitize -DSANITIZE=ON -DCMAKE_BUILD_TYPE=Debug $(CMAKE_FLAGS)
	cmake --build $(BUILD)-sanitize -j $(JOBS)
	cd $(BUILD)-sanitize && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure --timeout 900 -LE real-engine

# libFuzzer targets; FUZZ_SECONDS per target (default 60).
fuzz: deps
	cmake -S . -B $(BUILD)-fuzz -DFUZZ=ON -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug
	cmake --build $(BUILD)-fuzz -j $(JOBS)
	fuzz/run-fuzzers $(BUILD)-fuzz $${FUZZ_SECONDS:-60}

bench: build
	bench/run-benchmarks $(BUILD)

demo: build
	scripts/demo $(BUILD)

install: build
	cmake --install $(BUILD)

clean:
	rm -rf $(BUILD) $(BUILD)-sanitize $(BUILD)-fuzz
