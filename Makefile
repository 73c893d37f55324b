# Convenience wrapper around CMake/ctest. The real build is CMakeLists.txt.
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=

.PHONY: all build test demo netfault clean deps-build deps-test deps-cross test-lx106 test-cortex-m size

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

# The core's unit tests on the ESP8266 CPU (lx106) and a Cortex-M3 under QEMU.
BUILD_LX106 ?= build-lx106
BUILD_CM3 ?= build-cm3

deps-cross:
	@scripts/deps.sh cross

$(BUILD_LX106)/CMakeCache.txt:
	cmake -S . -B $(BUILD_LX106) -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-lx106.cmake $(CMAKE_FLAGS)

$(BUILD_CM3)/CMakeCache.txt:
	cmake -S . -B $(BUILD_CM3) -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-cortex-m3.cmake $(CMAKE_FLAGS)

test-lx106: deps-cross $(BUILD_LX106)/CMakeCache.txt
	cmake --build $(BUILD_LX106) -j $(JOBS)
	cd $(BUILD_LX106) && ctest --output-on-failure -j $(JOBS) $(CTEST_FLAGS)

test-cortex-m: deps-cross $(BUILD_CM3)/CMakeCache.txt
	cmake --build $(BUILD_CM3) -j $(JOBS)
	cd $(BUILD_CM3) && ctest --output-on-failure -j $(JOBS) $(CTEST_FLAGS)

# Code size of the core per object file, for lx106 and Cortex-M3 at -Os.
size: deps-cross
	@scripts/size.sh

demo: build
	scripts/demo.sh $(BUILD)

# The whole network-fault matrix (docs/RELIABILITY.md); ctest runs a sample.
netfault: build
	bash tests/e2e/test_netfault.sh $(BUILD) ../shared full

clean:
	rm -rf $(BUILD) $(BUILD_LX106) $(BUILD_CM3)
