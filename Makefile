# mxn: `make run` (set up, build, demo data, server) and `make test` (set up, build, all tests).
BUILD     ?= build
JOBS      ?= $(shell nproc)
CMAKE_ARGS ?=
ifeq ($(CI),true)
  CMAKE_ARGS += -DMXN_WERROR=ON
endif

.PHONY: setup build run test bench asan clean

setup:
	@scripts/setup

build: setup
	@cmake -S . -B $(BUILD) $(CMAKE_ARGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	@scripts/demo $(BUILD)

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 1200

bench: setup
	@cmake -S . -B $(BUILD)-bench -DMXN_BENCH=ON -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD)-bench -j $(JOBS)
	@scripts/bench $(BUILD)-bench

asan: setup
	@cmake -S . -B $(BUILD)-asan -DMXN_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug $(CMAKE_ARGS) >/dev/null
	@cmake --build $(BUILD)-asan -j $(JOBS)
	@cd $(BUILD)-asan && ctest --output-on-failure -j $(JOBS) -LE 'slow|e2e'

clean:
	rm -rf $(BUILD) $(BUILD)-bench $(BUILD)-asan
