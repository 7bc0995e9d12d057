#!/usr/bin/env bash
# Soak test of tsdb crash recovery: runs the crash test (a writer process killed with SIGKILL at
# random points, then every checksum verified and the store compared row by row with the
# acknowledged operations) for many rounds and several seeds. The default ctest run does 20
# rounds; this does ROUNDS (default 200) per seed, at nice 19 so it does not starve a shared
# machine, and prints each seed's rounds, operations, rows and duration (docs/reliability.md).
#   scripts/tsdb_crash_soak.sh [build-dir] [rounds] [seeds...]
# For the 1,000-round run: scripts/tsdb_crash_soak.sh build-debug 1000 1
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build-tsdb}
rounds=${2:-200}
shift $(( $# > 2 ? 2 : $# )) || true
seeds=("$@")
((${#seeds[@]})) || seeds=(1 2 3)

binary="$build_dir/tests/integration/tsdb/tsdb_crash_test"
if [ ! -x "$binary" ]; then
  echo "tsdb_crash_soak: $binary is missing; build it with" >&2
  echo "  cmake --build $build_dir --target tsdb_crash_test tsdb_crash_writer" >&2
  exit 2
fi
total_start=$(date +%s)
for seed in "${seeds[@]}"; do
  echo "tsdb_crash_soak: seed $seed, $rounds rounds"
  seed_start=$(date +%s)
  TSDB_CRASH_ROUNDS="$rounds" TSDB_CRASH_SEED="$seed" nice -n 19 "$binary" --gtest_brief=1
  echo "tsdb_crash_soak: seed $seed passed in $(( $(date +%s) - seed_start )) s"
done
echo "tsdb_crash_soak: all seeds passed ($(( ${#seeds[@]} * rounds )) rounds in $(( $(date +%s) - total_start )) s)"
