#!/usr/bin/env bash
# Market routes vs nginx, side by side in one invocation: mystocks (demo data) answering
#   GET /api/v1/market/kline?symbol=S&interval=1d&limit=250   (daily bars from the relational store)
#   GET /api/v1/market/quotes?symbols=<50 symbols>             (latest rows from the tsdb store)
# and nginx serving each response body, byte for byte, as a static JSON file. One warm-up per
# target, then RUNS timed rounds, alternating. Prints CSV rows and a Markdown table with median
# requests/s, p50 and p99 latency and the mystocks/nginx ratios. Goal (issue 7): kline >= 0.5 of
# nginx's requests/s and p99 < 5 ms at 64 connections.
#   usage: bench/macro/market_vs_nginx.sh [build-dir]   (default: build, a Release build)
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
# Rate limiting off: the benchmark measures serving, not the token bucket's 429s.
MYSTOCKS_GATEWAY_RATE_LIMIT_ENABLED=false "$binary" demo --listen "127.0.0.1:$my_port" --data-dir "$work/data" >"$work/mystocks.out" 2>"$work/mystocks.err" &
pids+=($!)
wait_http "$base/health"

# The demo seeds its data in the background: wait until the securities master is there, the
# first symbol has 250 daily bars and all 50 symbols have a quote.
symbols=""
for _ in $(seq "${SEED_TIMEOUT:-120}"); do
  symbols=$(curl -sf "$base/api/v1/market/symbols?security_type=stock&size=50" |
            python3 -c 'import json,sys; print(",".join(r["symbol"] for r in json.load(sys.stdin)["data"]))' 2>/dev/null || true)
  if [ -n "$symbols" ]; then
    first=${symbols%%,*}
    bars=$(curl -sf "$base/api/v1/market/kline?symbol=$first&interval=1d&limit=250" |
           python3 -c 'import json,sys; print(len(json.load(sys.stdin)["data"]["bars"]))' 2>/dev/null || echo 0)
    quoted=$(curl -sf "$base/api/v1/market/quotes?symbols=$symbols" |
             python3 -c 'import json,sys; print(len(json.load(sys.stdin)["data"]["quotes"]))' 2>/dev/null || echo 0)
    [ "$bars" = 250 ] && [ "$quoted" = 50 ] && break
  fi
  sleep 1
done
[ "${bars:-0}" = 250 ] && [ "${quoted:-0}" = 50 ] || { echo "demo data did not appear (symbols: '$symbols'):" >&2; tail -20 "$work/mystocks.err" >&2; exit 1; }
[ "$(echo "$symbols" | tr ',' '\n' | wc -l)" = 50 ] || { echo "fewer than 50 stocks in the demo" >&2; exit 1; }

kline_path="/api/v1/market/kline?symbol=$first&interval=1d&limit=250"
quotes_path="/api/v1/market/quotes?symbols=$symbols"
curl -sf "$base$kline_path" >"$work/kline.json"
curl -sf "$base$quotes_path" >"$work/quotes.json"
ng_port=$(free_port)
start_nginx "$ng_port" /kline "$work/kline.json" /quotes "$work/quotes.json"
wait_http "http://127.0.0.1:$ng_port/kline"

declare -A url=(
  [mystocks_kline]="$base$kline_path" [nginx_kline]="http://127.0.0.1:$ng_port/kline"
  [mystocks_quotes]="$base$quotes_path" [nginx_quotes]="http://127.0.0.1:$ng_port/quotes")
order=(mystocks_kline nginx_kline mystocks_quotes nginx_quotes)
declare -A rps p50 p99
echo "target,round,requests_per_second,p50_ms,p99_ms,body_bytes"
for target in "${order[@]}"; do run_wrk 3s "${url[$target]}" >/dev/null; done
for round in $(seq "$runs"); do
  for target in "${order[@]}"; do
    read -r r l50 l99 < <(run_wrk "$duration" "${url[$target]}")
    rps[$target]+="$r "; p50[$target]+="$l50 "; p99[$target]+="$l99 "
    bytes=$([ "${target%%_*}" = nginx ] && stat -c %s "$work/${target#*_}.json" || curl -s "${url[$target]}" | wc -c)
    echo "$target,$round,$r,$l50,$l99,$bytes"
  done
done

med() { median $1; }
echo
echo "| route | server | median requests/s | p50 ms | p99 ms |"
echo "|---|---|---|---|---|"
for target in "${order[@]}"; do
  echo "| ${target#*_} | ${target%%_*} | $(med "${rps[$target]}") | $(med "${p50[$target]}") | $(med "${p99[$target]}") |"
done
for route in kline quotes; do
  m=$(med "${rps[mystocks_$route]}"); n=$(med "${rps[nginx_$route]}")
  echo "| $route | ratio mystocks / nginx | $(awk -v a="$m" -v b="$n" 'BEGIN {printf "%.2f", a/b}') | | |"
done
echo
echo "($runs x $duration per target, wrk -t$wrk_threads -c$connections --latency; kline symbol $first, 50 quote symbols)"
