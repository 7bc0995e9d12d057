#!/usr/bin/env bash
# Side-by-side benchmark of the embedded tsdb against SQLite, PostgreSQL 15 and ClickHouse on the
# same deterministic Level-1 ticks (bench/tsdb). Builds a Release tree, installs clickhouse-server
# when it is missing (a benchmark-only package, deliberately not in scripts/setup; set
# TSDB_BENCH_CLICKHOUSE=0 to skip it), then runs both sizes and prints Markdown tables for
# docs/performance.md. Results also go to $OUT_DIR/*.json.
#   scripts/tsdb_bench.sh [small|big|all]     (default: all)
# Environment: BUILD_DIR (build-tsdb-rel), OUT_DIR (<build>/tsdb-bench-results), WORK_DIR (a temp dir),
#   BIG_ENGINES (engines for 2,000 symbols x 5 days; default tsdb,sqlite,postgres,clickhouse).
set -euo pipefail
cd "$(dirname "$0")/.."
which=${1:-all}
build=${BUILD_DIR:-build-tsdb-rel}
out=${OUT_DIR:-$build/tsdb-bench-results}
work=${WORK_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/tsdb-bench-XXXXXX")}
mkdir -p "$out"

cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target tsdb_bench -j2

if [ "${TSDB_BENCH_CLICKHOUSE:-1}" = 1 ] && ! [ -x /usr/sbin/clickhouse-server ]; then
  echo "tsdb_bench: clickhouse-server is not installed; installing Debian's (about 80 MB) for the"
  echo "tsdb_bench: side-by-side run. Set TSDB_BENCH_CLICKHOUSE=0 to skip ClickHouse instead."
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  if "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      clickhouse-server clickhouse-client; then
    # Debian may start the packaged service; the benchmark runs its own private server.
    "${sudo_cmd[@]}" systemctl disable --now clickhouse-server >/dev/null 2>&1 || true
  else
    echo "tsdb_bench: could not install clickhouse-server; running without it"
  fi
fi

engines=tsdb,sqlite,postgres
[ -x /usr/sbin/clickhouse-server ] && engines+=,clickhouse
run() {
  local name=$1; shift
  echo "tsdb_bench: $name ($*)"
  "$build/bench/tsdb/tsdb_bench" --work-dir "$work/$name" --tables config/tables.yaml \
    --json "$out/tsdb_$name.json" "$@" | tee "$out/tsdb_$name.md"
  rm -rf "${work:?}/$name"
}
if [ "$which" = small ] || [ "$which" = all ]; then
  run small --symbols 200 --days 1 --engines "$engines" --runs 30
fi
if [ "$which" = big ] || [ "$which" = all ]; then
  run big --symbols 2000 --days 5 --engines "${BIG_ENGINES:-$engines}" --runs 20
fi
rmdir "$work" 2>/dev/null || true
