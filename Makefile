# Front door. The real build is CMake; this gives the short commands.
BUILD ?= build
JOBS ?= $(shell nproc)
PREFIX ?= /usr
DESTDIR ?=
CMAKE_FLAGS ?=

.PHONY: all deps test-deps build check check-sanitize fuzz fuzz-regress bench demo install packages clean

all: build

# Build dependencies only; the test and demo targets add their own.
deps:
	@scripts/install-deps build

test-deps:
	@scripts/install-deps test

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_INSTALL_PREFIX=$(PREFIX) $(CMAKE_FLAGS)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

check: test-deps build
	cd $(BUILD) && ctest --output-on-failure --timeout 900

# The whole test suite built with AddressSanitizer and UBSan.
check-sanitize: test-deps
	cmake -S . -B $(BUILD)-sanitize -DSANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
	cmake --build $(BUILD)-sanitize -j $(JOBS)
	cd $(BUILD)-sanitize && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure --timeout 900 -LE 'real-engine|package'

# libFuzzer targets; FUZZ_SECONDS per target (default 60).
fuzz: test-deps
	cmake -S . -B $(BUILD)-fuzz -DFUZZ=ON -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug
	cmake --build $(BUILD)-fuzz -j $(JOBS)
	fuzz/run-fuzzers $(BUILD)-fuzz $${FUZZ_SECONDS:-60}

bench: test-deps build
	bench/run-benchmarks $(BUILD)

demo: build
	@scripts/install-deps demo
	scripts/demo $(BUILD)

# DESTDIR and PREFIX as usual: make install DESTDIR=/tmp/root PREFIX=/usr/local
install: deps
	cmake -S . -B $(BUILD) -DCMAKE_INSTALL_PREFIX=$(PREFIX) $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS)
	DESTDIR="$(DESTDIR)" cmake --install $(BUILD)

# The .rpm (rpmbuild, dependency checks off: EL names) and the .deb, in $(BUILD)/packages.
packages:
	@scripts/install-deps build package
	packaging/build-packages $(BUILD)/packages

clean:
	rm -rf $(BUILD) $(BUILD)-sanitize $(BUILD)-fuzz
