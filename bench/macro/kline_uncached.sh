#!/usr/bin/env bash
# The uncached K-line path (issue 19): the Release `mystocks demo` with the response cache off
# (gateway.cache_enabled=false) and rate limiting off, answering
#   GET /api/v1/market/kline?symbol=S&interval=1d&limit=250   (250 daily bars from SQLite, 28 KB)
# 1. Server CPU per request on one connection (wrk -t1 -c1): the server's utime+stime over the
#    run (from /proc), minus its idle rate (the demo's live feed) measured just before, divided
#    by the requests answered.
# 2. Side by side with nginx serving the same body as a static file (sendfile on, as Debian
#    ships it), alternating, RUNS rounds at CONNECTIONS connections: median requests/s, p50, p99,
#    the ratio, and the server CPU per request under that load.
# Prints the load average during the runs. Goal: <= 50 us of server CPU per request and >= 0.2 of
# nginx's requests/s.
#   usage: bench/macro/kline_uncached.sh [build-dir]   (default: build, a Release build)
# Environment: RUNS (3), DURATION (10s), CONNECTIONS (64), WRK_THREADS (2), SEED_TIMEOUT (120 s),
#   ROUTE (v1: /api/v1/market/kline; v2: /api/v2/market/kline).
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
binary=$build/src/cli/mystocks
runs=${RUNS:-3}
duration=${DURATION:-10s}
route=${ROUTE:-v1}
[ -x "$binary" ] || { echo "no binary at $binary: run 'make release' first" >&2; exit 1; }
source bench/macro/lib/side_by_side.sh

my_port=$(free_port)
base="http://127.0.0.1:$my_port"
MYSTOCKS_GATEWAY_CACHE_ENABLED=false MYSTOCKS_GATEWAY_RATE_LIMIT_ENABLED=false \
  "$binary" demo --listen "127.0.0.1:$my_port" --data-dir "$work/data" \
  >"$work/mystocks.out" 2>"$work/mystocks.err" &
server_pid=$!
pids+=("$server_pid")
wait_http "$base/health"

first=$(wait_demo_daily_bars "$base")
sleep 5  # let the seeding's background work (compaction, checkpoints) settle

path="/api/$route/market/kline?symbol=$first&interval=1d&limit=250"
curl -sf "$base$path" >"$work/kline.json"
ng_port=$(free_port)
start_nginx "$ng_port" /kline "$work/kline.json"
wait_http "http://127.0.0.1:$ng_port/kline"

# Server CPU time in microseconds (utime + stime of every thread).
cpu_us() {
  awk -v hz="$(getconf CLK_TCK)" '{printf "%d\n", ($14 + $15) * 1e6 / hz}' "/proc/$server_pid/stat"
}
seconds_of() { echo "${1%s}"; }

# wrk with server CPU accounting: prints "requests_per_second p50_ms p99_ms cpu_us_per_request".
measured_wrk() {
  local threads=$1 conns=$2 run_for=$3 url=$4
  local idle_start idle_end start end out
  idle_start=$(cpu_us); sleep 3; idle_end=$(cpu_us)
  start=$(cpu_us)
  out=$(wrk -t"$threads" -c"$conns" -d"$run_for" --latency "$url")
  end=$(cpu_us)
  echo "$out" | awk -v busy="$((end - start))" -v idle="$(((idle_end - idle_start) / 3))" \
    -v secs="$(seconds_of "$run_for")" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /requests in/ { requests = $1 }
    /Requests\/sec/ { rps = $2 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    END { printf "%s %.3f %.3f %.1f\n", rps, p50, p99, (busy - idle * secs) / requests }'
}

loadavg() { cut -d' ' -f1 /proc/loadavg; }

echo "kline $path ($(stat -c %s "$work/kline.json") bytes), response cache off"
echo
echo "target,round,requests_per_second,p50_ms,p99_ms,server_cpu_us_per_request,load_average"
declare -a one_cpu
for round in $(seq "$runs"); do
  read -r r l50 l99 cpu < <(measured_wrk 1 1 "$duration" "$base$path")
  one_cpu+=("$cpu")
  echo "mystocks_1conn,$round,$r,$l50,$l99,$cpu,$(loadavg)"
done
run_wrk 3s "$base$path" >/dev/null
run_wrk 3s "http://127.0.0.1:$ng_port/kline" >/dev/null
declare -a my_rps my_p50 my_p99 my_cpu ng_rps ng_p50 ng_p99 loads
for round in $(seq "$runs"); do
  read -r r l50 l99 cpu < <(measured_wrk "$wrk_threads" "$connections" "$duration" "$base$path")
  my_rps+=("$r"); my_p50+=("$l50"); my_p99+=("$l99"); my_cpu+=("$cpu"); loads+=("$(loadavg)")
  echo "mystocks_${connections}conn,$round,$r,$l50,$l99,$cpu,$(loadavg)"
  read -r r l50 l99 < <(run_wrk "$duration" "http://127.0.0.1:$ng_port/kline")
  ng_rps+=("$r"); ng_p50+=("$l50"); ng_p99+=("$l99")
  echo "nginx_${connections}conn,$round,$r,$l50,$l99,,$(loadavg)"
done

echo
echo "| target | median requests/s | p50 ms | p99 ms | server CPU µs/request |"
echo "|---|---:|---:|---:|---:|"
echo "| mystocks, 1 connection | | | | $(median "${one_cpu[@]}") |"
echo "| mystocks, $connections connections | $(median "${my_rps[@]}") | $(median "${my_p50[@]}") | $(median "${my_p99[@]}") | $(median "${my_cpu[@]}") |"
echo "| nginx, $connections connections | $(median "${ng_rps[@]}") | $(median "${ng_p50[@]}") | $(median "${ng_p99[@]}") | |"
echo "| ratio mystocks / nginx | $(awk -v a="$(median "${my_rps[@]}")" -v b="$(median "${ng_rps[@]}")" 'BEGIN {printf "%.2f", a/b}') | | | |"
echo
echo "($runs x $duration per target, wrk -t$wrk_threads -c$connections; load average during the runs: ${loads[*]})"
