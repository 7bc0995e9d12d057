# The two commands of the README, plus developer conveniences.
#   make run   install dependencies, build Release, start the demo server on http://127.0.0.1:8080
#   make test  install dependencies, build Debug with ASan+UBSan, check format and clang-tidy on
#              the files changed since .ci/lint-base (scripts/lint), run every test (unit,
#              integration against real PostgreSQL/Redis, end-to-end against the real binary),
#              then a short run of every fuzz target (clang build in build-fuzz, docs/fuzzing.md)
#   make lint  only the format and clang-tidy check (scripts/lint --fix formats touched lines)
SHELL := /bin/bash
JOBS ?= 2

.PHONY: run test lint setup release debug bench clean fuzz-smoke

setup:
	./scripts/setup

release: setup
	cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DMYSTOCKS_BUILD_TESTS=OFF
	cmake --build build -j $(JOBS)

debug: setup
	cmake -S . -B build-debug -G Ninja -DCMAKE_BUILD_TYPE=Debug -DMYSTOCKS_SANITIZE=ON -DMYSTOCKS_BUILD_BENCH=OFF
	cmake --build build-debug -j $(JOBS)

# clang-tidy reads build-debug/compile_commands.json, which configuring writes.
lint: setup
	cmake -S . -B build-debug -G Ninja -DCMAKE_BUILD_TYPE=Debug -DMYSTOCKS_SANITIZE=ON -DMYSTOCKS_BUILD_BENCH=OFF
	JOBS=$(JOBS) ./scripts/lint

run: release
	./build/src/cli/mystocks demo

test: debug
	JOBS=$(JOBS) ./scripts/lint
	cd build-debug && ctest --output-on-failure -j $(JOBS)
	$(MAKE) fuzz-smoke

# A few seconds of every fuzz target, so a new parser is fuzzed from its first day.
FUZZ_SMOKE_SECONDS ?= 5
fuzz-smoke: setup
	JOBS=$(JOBS) ./scripts/fuzz all $(FUZZ_SMOKE_SECONDS)

bench: release
	./bench/macro/http_vs_nginx.sh

clean:
	rm -rf build build-debug build-fuzz build-tsan web/dist
