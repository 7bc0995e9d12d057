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
connections=${CONNECTIONS:-64}
wrk_threads=${WRK_THREADS:-2}
[ -x "$binary" ] || { echo "no binary at $binary: run 'make release' first" >&2; exit 1; }
command -v wrk >/dev/null && command -v nginx >/dev/null || { echo "wrk and nginx are needed: run scripts/setup" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# mystocks: the Release binary, default threads (one per core), no access log.
my_port=$(free_port)
"$binary" serve --listen "127.0.0.1:$my_port" --data-dir "$work/data" >"$work/mystocks.out" 2>"$work/mystocks.err" &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$my_port/health" >/dev/null && break; sleep 0.1; done

# nginx: the same body as a static file, worker per core, keep-alive, no access log.
ng_port=$(free_port)
mkdir -p "$work/html"
curl -s "http://127.0.0.1:$my_port/health" >"$work/html/health.json"
cat >"$work/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx.err warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 100000;
  client_body_temp_path $work/tmp; proxy_temp_path $work/tmp; fastcgi_temp_path $work/tmp;
  uwsgi_temp_path $work/tmp; scgi_temp_path $work/tmp;
  server {
    listen 127.0.0.1:$ng_port;
    root $work/html;
    location = /health { default_type application/json; try_files /health.json =404; }
  }
}
CONF
mkdir -p "$work/tmp"
nginx -c "$work/nginx.conf" -p "$work"
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$ng_port/health" >/dev/null && break; sleep 0.1; done

run_wrk() { wrk -t"$wrk_threads" -c"$connections" -d"$1" "$2" | awk '/Requests\/sec/ {print $2}'; }

echo "server,round,requests_per_second"
run_wrk 3s "http://127.0.0.1:$my_port/health" >/dev/null
run_wrk 3s "http://127.0.0.1:$ng_port/health" >/dev/null
declare -a mine=() theirs=()
for round in $(seq "$runs"); do
  m=$(run_wrk "$duration" "http://127.0.0.1:$my_port/health"); mine+=("$m"); echo "mystocks,$round,$m"
  n=$(run_wrk "$duration" "http://127.0.0.1:$ng_port/health"); theirs+=("$n"); echo "nginx,$round,$n"
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
m=$(median "${mine[@]}"); n=$(median "${theirs[@]}")
echo
echo "| server | median requests/s ($runs x $duration, wrk -t$wrk_threads -c$connections) |"
echo "|---|---|"
echo "| mystocks GET /health | $m |"
echo "| nginx static JSON | $n |"
echo "| ratio mystocks / nginx | $(awk -v a="$m" -v b="$n" 'BEGIN {printf "%.2f", a/b}') |"
