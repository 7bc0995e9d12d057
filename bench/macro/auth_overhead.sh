#!/usr/bin/env bash
# What identity costs on the hottest path: the cached daily K-line route (demo data) asked
#   anonymously, and with `Authorization: Bearer <access token>` (JWT check + RBAC policy),
# side by side in one invocation with nginx serving the same body as a static file. One warm-up
# per target, then RUNS timed rounds, alternating. Prints CSV rows and a Markdown table.
# Goal (issue 17): the bearer token costs <= 5 % of the anonymous requests/s.
#   usage: bench/macro/auth_overhead.sh [build-dir]   (default: build, a Release build)
# Environment: RUNS (3), DURATION (10s), CONNECTIONS (64), WRK_THREADS (2), SEED_TIMEOUT (120 s).
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
binary=$build/src/cli/mystocks
runs=${RUNS:-3}
duration=${DURATION:-10s}
[ -x "$binary" ] || { echo "no binary at $binary: run 'make release' first" >&2; exit 1; }
source bench/macro/lib/side_by_side.sh

my_port=$(free_port)
base="http://127.0.0.1:$my_port"
MYSTOCKS_GATEWAY_RATE_LIMIT_ENABLED=false "$binary" demo --listen "127.0.0.1:$my_port" --data-dir "$work/data" >"$work/mystocks.out" 2>"$work/mystocks.err" &
pids+=($!)
wait_http "$base/health"

symbol=$(wait_demo_daily_bars "$base")

token=$(curl -sf -X POST "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
          -d '{"username":"demo","password":"mystocks-demo"}' |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["access_token"])')
path="/api/v1/market/kline?symbol=$symbol&interval=1d&limit=250"
curl -sf "$base$path" >"$work/kline.json"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$base$path")" = 200 ] || { echo "the token is refused" >&2; exit 1; }
ng_port=$(free_port)
start_nginx "$ng_port" /kline "$work/kline.json"
wait_http "http://127.0.0.1:$ng_port/kline"

order=(anonymous bearer nginx)
declare -A url=([anonymous]="$base$path" [bearer]="$base$path" [nginx]="http://127.0.0.1:$ng_port/kline")
wrk_args() { [ "$1" = bearer ] && printf '%s\n' -H "Authorization: Bearer $token" || true; }
measure() { local -a extra; mapfile -t extra < <(wrk_args "$1"); run_wrk "$2" "${url[$1]}" "${extra[@]}"; }
declare -A rps p50 p99
echo "target,round,requests_per_second,p50_ms,p99_ms"
for target in "${order[@]}"; do measure "$target" 3s >/dev/null; done
for round in $(seq "$runs"); do
  for target in "${order[@]}"; do
    read -r r l50 l99 < <(measure "$target" "$duration")
    rps[$target]+="$r "; p50[$target]+="$l50 "; p99[$target]+="$l99 "
    echo "$target,$round,$r,$l50,$l99"
  done
done

med() { median $1; }
echo
echo "| cached daily K-line, 250 bars | median requests/s | p50 ms | p99 ms |"
echo "|---|---|---|---|"
for target in "${order[@]}"; do
  echo "| $target | $(med "${rps[$target]}") | $(med "${p50[$target]}") | $(med "${p99[$target]}") |"
done
a=$(med "${rps[anonymous]}"); b=$(med "${rps[bearer]}")
echo "| bearer cost vs anonymous | $(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.1f %%", (1 - b / a) * 100}') | | |"
echo
echo "($runs x $duration per target, wrk -t$wrk_threads -c$connections --latency; symbol $symbol)"
