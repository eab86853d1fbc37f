# mxn: `make run` (set up, build, demo data, server) and `make test` (set up, build, all tests).
BUILD     ?= build
JOBS      ?= $(shell nproc)
CMAKE_ARGS ?=
ifeq ($(CI),true)
  CMAKE_ARGS += -DMXN_WERROR=ON
endif

.PHONY: setup configure build run test install deb bench asan fuzz sanitized tsan clean

setup:
	@scripts/setup

configure: setup
	@cmake -S . -B $(BUILD) $(CMAKE_ARGS) >/dev/null

# Everything: the mxn binary, the Python module, the tests.
build: configure
	@cmake --build $(BUILD) -j $(JOBS)

# Only what it runs: the mxn binary.
run: configure
	@cmake --build $(BUILD) -j $(JOBS) --target mxn
	@scripts/demo $(BUILD)

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 1200

# The mxn binary, DuckDB's library, config and systemd unit under PREFIX (README: Installing).
PREFIX ?= /usr/local
install: setup
	@cmake -S . -B $(BUILD) $(CMAKE_ARGS) -DCMAKE_INSTALL_PREFIX=$(PREFIX) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS) --target mxn
	@cmake --install $(BUILD)

# A Debian package of the same (prefix /usr, /etc/mxn, /var/lib/mxn, the mxn user): $(BUILD)/mxn_*.deb
deb: configure
	@cmake --build $(BUILD) -j $(JOBS) --target mxn
	@cd $(BUILD) && cpack -G DEB

bench: setup
	@cmake -S . -B $(BUILD)-bench -DMXN_BENCH=ON -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD)-bench -j $(JOBS)
	@scripts/bench $(BUILD)-bench

# One clang build for both: AddressSanitizer + UndefinedBehaviorSanitizer, and libFuzzer coverage. It compiles
# the benchmarks too (`make bench` runs them), so that CI catches one an interface change broke.
sanitized: setup
	@cmake -S . -B $(BUILD)-asan -DCMAKE_CXX_COMPILER=clang++-14 -DMXN_SANITIZE=address,undefined -DMXN_FUZZ=ON \
	  -DMXN_BENCH=ON -DCMAKE_BUILD_TYPE=Debug $(CMAKE_ARGS) >/dev/null
	@cmake --build $(BUILD)-asan -j $(JOBS)

asan: sanitized
	@cd $(BUILD)-asan && ctest --output-on-failure -j $(JOBS) -LE 'slow|e2e'

# ThreadSanitizer over the tests that run threads against each other: the HTTP server, the real server under
# load, group commit, the training service, publishing while serving. DuckDB and OpenMP are not instrumented:
# accesses inside them are not checked (ignore_noninstrumented_modules), and training uses one thread.
TSAN_TESTS := mxn_api_tests mxn_integration_tests mxn_tracking_tests mxn_training_tests mxn_engine_tests
tsan: setup
	@cmake -S . -B $(BUILD)-tsan -DCMAKE_CXX_COMPILER=clang++-14 -DMXN_SANITIZE=thread -DCMAKE_BUILD_TYPE=Debug \
	  $(CMAKE_ARGS) >/dev/null
	@cmake --build $(BUILD)-tsan -j $(JOBS) --target $(TSAN_TESTS)
	@cd $(BUILD)-tsan && OMP_NUM_THREADS=1 TSAN_OPTIONS='halt_on_error=1 ignore_noninstrumented_modules=1' \
	  ctest --output-on-failure -j $(JOBS) -R '^(api|integration|tracking|training|engine)\.' -LE slow

FUZZ_SECONDS ?= 60
fuzz: sanitized
	@scripts/fuzz $(BUILD)-asan $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD) $(BUILD)-bench $(BUILD)-asan $(BUILD)-tsan
