#!/usr/bin/env bash
# Soak test of tsdb crash recovery: runs the crash test (a writer process killed with SIGKILL at
# random points, then recovery checked against the acknowledged operations) for many rounds and
# several seeds. The default ctest run does 20 rounds; this does ROUNDS (default 200) per seed.
#   scripts/tsdb_crash_soak.sh [build-dir] [rounds] [seeds...]
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
for seed in "${seeds[@]}"; do
  echo "tsdb_crash_soak: seed $seed, $rounds rounds"
  TSDB_CRASH_ROUNDS="$rounds" TSDB_CRASH_SEED="$seed" "$binary" --gtest_brief=1
done
echo "tsdb_crash_soak: all seeds passed"
