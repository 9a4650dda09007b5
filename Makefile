# SPDX-License-Identifier: Apache-2.0
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

# Reports go to files, not stderr: a daemonized wrapper's stderr is
# /dev/null, and its leaks and undefined behaviour count as much as a test
# program's. Any report fails the target.
SANITIZER_REPORTS = $(abspath $(BUILD)-sanitize)/sanitizer-reports
SANITIZER_ENV = \
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:log_path=$(SANITIZER_REPORTS)/asan \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=$(SANITIZER_REPORTS)/ubsan

# The test suite built with AddressSanitizer and UBSan, minus what runs no
# code of ours that the plain run does not already cover: the real engine
# conversions, the packages, the OpenStack lab's own checks and the
# hostile-neighbour suite (it flips host sysctls; once per CI run is enough).
check-sanitize: test-deps
	cmake -S . -B $(BUILD)-sanitize -DSANITIZE=ON -DCMAKE_BUILD_TYPE=Debug $(CMAKE_FLAGS)
	cmake --build $(BUILD)-sanitize -j $(JOBS)
	rm -rf $(SANITIZER_REPORTS) && mkdir -m 1777 -p $(SANITIZER_REPORTS)
	cd $(BUILD)-sanitize && $(SANITIZER_ENV) \
	  ctest --output-on-failure --timeout 900 -LE 'real-engine|package|openstack|hostile'
	cd $(BUILD)-sanitize && $(SANITIZER_ENV) ctest --output-on-failure --timeout 900 -L sanitize-lab
	@if ls $(SANITIZER_REPORTS)/* > /dev/null 2>&1; then \
	  echo "sanitizer reports:"; cat $(SANITIZER_REPORTS)/*; exit 1; fi

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
