#!/usr/bin/env bash
# Runs the tsdb concurrency and property tests under ThreadSanitizer (the default test build uses
# ASan+UBSan). Builds its own tree, build-tsdb-tsan, with -fsanitize=thread.
#   scripts/tsdb_tsan.sh [build-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-tsdb-tsan}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DMYSTOCKS_BUILD_BENCH=OFF \
  -DCMAKE_CXX_FLAGS="-fsanitize=thread -O1 -g" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" >/dev/null
cmake --build "$build" --target tsdb_concurrency_test tsdb_property_test -j2
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1"
"$build/tests/unit/storage/tsdb/tsdb_concurrency_test" --gtest_brief=1
"$build/tests/unit/storage/tsdb/tsdb_property_test" --gtest_brief=1 --gtest_filter='*Background*'
echo "tsdb_tsan: no data races reported"
