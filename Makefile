# Convenience wrapper around CMake/ctest. The real build is CMakeLists.txt.
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=

.PHONY: all build test fault netfault demo clean deps-build deps-test deps-cross test-lx106 \
        test-cortex-m size sig-cost test-lx106-small test-asan valgrind fuzz fuzz-build esp8266 bench \
        esp8266-sdk

all: build

deps-build:
	@scripts/deps.sh build

deps-test:
	@scripts/deps.sh build test

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

build: deps-build $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

test: deps-test $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) $(CTEST_FLAGS)

# Power cuts at every flash operation of a whole update (tests/fault/fault.c):
# prints one line per configuration, then "N cut points, M failed".
fault: deps-test $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) --target abota_fault -j $(JOBS)
	$(BUILD)/tests/abota_fault $(FAULT_FLAGS)

# The core's unit tests on the ESP8266 CPU (lx106) and a Cortex-M3 under QEMU.
BUILD_LX106 ?= build-lx106
BUILD_CM3 ?= build-cm3
# The same on the lx106 in the small-footprint profile (include/abota/config_small.h).
BUILD_LX106_SMALL ?= build-lx106-small

deps-cross:
	@scripts/deps.sh build cross

$(BUILD_LX106)/CMakeCache.txt:
	cmake -S . -B $(BUILD_LX106) -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-lx106.cmake $(CMAKE_FLAGS)

$(BUILD_LX106_SMALL)/CMakeCache.txt:
	cmake -S . -B $(BUILD_LX106_SMALL) -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-lx106.cmake \
	  -DABOTA_PROFILE=small $(CMAKE_FLAGS)

$(BUILD_CM3)/CMakeCache.txt:
	cmake -S . -B $(BUILD_CM3) -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-cortex-m3.cmake $(CMAKE_FLAGS)

# With the SDK beside the project the lx106 tree also links real user bins
# and checks them with the host CLI: the host tree is built first.
test-lx106: build deps-cross $(BUILD_LX106)/CMakeCache.txt
	cmake --build $(BUILD_LX106) -j $(JOBS)
	cd $(BUILD_LX106) && ctest --output-on-failure -j $(JOBS) $(CTEST_FLAGS)

# Tests of features the profile compiles out check what happens instead, or
# are reported "Skipped" by ctest (exit status 77), never as passed.
test-lx106-small: build deps-cross $(BUILD_LX106_SMALL)/CMakeCache.txt
	cmake --build $(BUILD_LX106_SMALL) -j $(JOBS)
	cd $(BUILD_LX106_SMALL) && ctest --output-on-failure -j $(JOBS) $(CTEST_FLAGS)

test-cortex-m: deps-cross $(BUILD_CM3)/CMakeCache.txt
	cmake --build $(BUILD_CM3) -j $(JOBS)
	cd $(BUILD_CM3) && ctest --output-on-failure -j $(JOBS) $(CTEST_FLAGS)

# Footprint for lx106 and Cortex-M3 at -Os: code per module, what an update
# links, RAM of an update, peak stack, the ESP8266 loader (docs/FOOTPRINT.md).
size: deps-cross
	@scripts/size.sh

# What the P-256 signature verifier costs on the lx106 and the Cortex-M3 at
# -Os: code, peak stack, instructions per verification (QEMU -icount), and
# its time against mbedTLS's on the host (docs/FOOTPRINT.md).
sig-cost: deps-build deps-cross
	@BUILD=$(BUILD) BUILD_LX106=$(BUILD_LX106) BUILD_CM3=$(BUILD_CM3) scripts/sig_cost.sh

demo: build
	scripts/demo.sh $(BUILD)

# Benchmarks against a reference measured in the same run: CRC-32 vs zlib,
# SHA-256 built-in vs mbedTLS, P-256 verification built-in vs mbedTLS, the HTTP parser vs memcpy, the device client
# vs curl, abota serve vs nginx (docs/BENCHMARKS.md). A few minutes;
# BENCH_QUICK=1 runs each briefly and fails only when one cannot run.
BENCH_QUICK ?= 0
bench: deps-test
	@scripts/deps.sh bench
	$(MAKE) $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS) --target abota bench_crc32 bench_sha256 bench_sig \
		bench_http_parse bench_update bench_update_nibble bench_tls_ram
	BENCH_QUICK=$(BENCH_QUICK) bench/run.sh $(BUILD)

# The whole ctest suite under AddressSanitizer + UndefinedBehaviorSanitizer
# (clang: it also adds a second compiler's warnings); the first report fails.
BUILD_ASAN ?= build-asan
SAN_ENV = ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:abort_on_error=1:strict_string_checks=1 \
          UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

$(BUILD_ASAN)/CMakeCache.txt:
	CC=clang cmake -S . -B $(BUILD_ASAN) -DCMAKE_BUILD_TYPE=Debug \
	  -DABOTA_SANITIZE=address,undefined $(CMAKE_FLAGS)

test-asan: deps-test
	@scripts/deps.sh sanitize
	$(MAKE) $(BUILD_ASAN)/CMakeCache.txt
	cmake --build $(BUILD_ASAN) -j $(JOBS)
	cd $(BUILD_ASAN) && $(SAN_ENV) ABOTA_E2E_LAYOUT=sim-8m ctest --output-on-failure -j $(JOBS) $(CTEST_FLAGS)

# Every test program under valgrind memcheck (e2e scripts get ABOTA_VALGRIND=1);
# any report fails the test.
BUILD_VALGRIND ?= build-valgrind

$(BUILD_VALGRIND)/CMakeCache.txt:
	cmake -S . -B $(BUILD_VALGRIND) -DCMAKE_BUILD_TYPE=Debug -DABOTA_VALGRIND=ON $(CMAKE_FLAGS)

valgrind: deps-test
	@scripts/deps.sh valgrind
	$(MAKE) $(BUILD_VALGRIND)/CMakeCache.txt
	cmake --build $(BUILD_VALGRIND) -j $(JOBS)
	cd $(BUILD_VALGRIND) && ctest --output-on-failure -j $(JOBS) $(CTEST_FLAGS)

# libFuzzer targets (tests/fuzz), each run for FUZZ_SECONDS; nonzero exit on a finding.
BUILD_FUZZ ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= fuzz_http fuzz_url fuzz_footer fuzz_esp fuzz_bootrec fuzz_serve fuzz_loader fuzz_journal fuzz_sig fuzz_manifest

$(BUILD_FUZZ)/CMakeCache.txt:
	CC=clang cmake -S . -B $(BUILD_FUZZ) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DABOTA_FUZZ=ON \
	  -DABOTA_SANITIZE=address,undefined -DABOTA_SHA256_MBEDTLS=OFF $(CMAKE_FLAGS)

fuzz-build: deps-build
	@scripts/deps.sh fuzz
	$(MAKE) $(BUILD_FUZZ)/CMakeCache.txt
	cmake --build $(BUILD_FUZZ) -j $(JOBS) --target $(FUZZ_TARGETS)

fuzz: fuzz-build
	scripts/fuzz.sh $(BUILD_FUZZ) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# The ESP8266 port library, the OTA demo as an SDK component
# ($(BUILD_LX106)/examples/ota_demo/libota_demo_esp8266.a) and the loader
# image for flash 0x0 ($(BUILD_LX106)/src/loader/esp8266/abota_loader.bin).
esp8266: deps-cross $(BUILD_LX106)/CMakeCache.txt
	cmake --build $(BUILD_LX106) -j $(JOBS) --target abota_esp8266 ota_demo_esp8266 \
		abota_loader_esp8266

# The OTA demo linked into real user1/user2 bins with Espressif's
# ESP8266_RTOS_SDK v2.0.0 beside the project (../shared), for abota's loader
# and for Espressif's boot.bin, checked and measured; says "skipped" without
# the SDK (scripts/esp8266_sdk.sh, docs/PORTING.md).
esp8266-sdk: deps-build deps-cross
	@BUILD=$(BUILD) BUILD_LX106=$(BUILD_LX106) JOBS=$(JOBS) scripts/esp8266_sdk.sh

# The whole network-fault matrix (docs/RELIABILITY.md); ctest runs a sample.
netfault: build
	bash tests/e2e/test_netfault.sh $(BUILD) full

clean:
	rm -rf $(BUILD) $(BUILD_LX106) $(BUILD_LX106_SMALL) $(BUILD_CM3) $(BUILD_ASAN) $(BUILD_VALGRIND) $(BUILD_FUZZ) \
	  build-stack-lx106
