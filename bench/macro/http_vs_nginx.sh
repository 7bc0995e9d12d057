#!/usr/bin/env bash
# Side-by-side HTTP throughput: mystocks GET /health vs nginx serving a static JSON file of the
# same size, in one invocation so the ratio is comparable on a noisy machine. One warm-up, then
# RUNS timed rounds per server, alternating. Prints CSV rows and a Markdown table.
#   usage: bench/macro/http_vs_nginx.sh [build-dir]   (default: build, a Release build)
# Environment: RUNS (3), DURATION (10s), CONNECTIONS (64), WRK_THREADS (2).
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
binary=$build/src/cli/mystocks
runs=${RUNS:-3}
duration=${DURATION:-10s}
[ -x "$binary" ] || { echo "no binary at $binary: run 'make release' first" >&2; exit 1; }
source bench/macro/lib/side_by_side.sh

# mystocks: the Release binary, default threads (one per core), no access log.
my_port=$(free_port)
"$binary" serve --listen "127.0.0.1:$my_port" --data-dir "$work/data" >"$work/mystocks.out" 2>"$work/mystocks.err" &
pids+=($!)
wait_http "http://127.0.0.1:$my_port/health"

# nginx: the same body as a static file.
ng_port=$(free_port)
curl -s "http://127.0.0.1:$my_port/health" >"$work/health.json"
start_nginx "$ng_port" /health "$work/health.json"
wait_http "http://127.0.0.1:$ng_port/health"

rps() { run_wrk "$1" "$2" | awk '{print $1}'; }

echo "server,round,requests_per_second"
rps 3s "http://127.0.0.1:$my_port/health" >/dev/null
rps 3s "http://127.0.0.1:$ng_port/health" >/dev/null
declare -a mine=() theirs=()
for round in $(seq "$runs"); do
  m=$(rps "$duration" "http://127.0.0.1:$my_port/health"); mine+=("$m"); echo "mystocks,$round,$m"
  n=$(rps "$duration" "http://127.0.0.1:$ng_port/health"); theirs+=("$n"); echo "nginx,$round,$n"
done

m=$(median "${mine[@]}"); n=$(median "${theirs[@]}")
echo
echo "| server | median requests/s ($runs x $duration, wrk -t$wrk_threads -c$connections) |"
echo "|---|---|"
echo "| mystocks GET /health | $m |"
echo "| nginx static JSON | $n |"
echo "| ratio mystocks / nginx | $(awk -v a="$m" -v b="$n" 'BEGIN {printf "%.2f", a/b}') |"
