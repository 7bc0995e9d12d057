# Shared pieces of the side-by-side HTTP benchmarks (http_vs_nginx.sh, market_vs_nginx.sh):
# a work dir cleaned up on exit, free ports, nginx serving static files, and wrk runs.
# Source it after `set -euo pipefail`; it defines:
#   work                          temp dir, removed on exit together with started processes
#   pids                          array: append background pids to have them killed on exit
#   free_port                     prints a free loopback port
#   wait_http URL                 waits up to 10 s for URL to answer 2xx
#   start_nginx PORT ROUTE FILE [ROUTE FILE ...]
#                                 nginx (worker per core, keep-alive, no access log) serving
#                                 each FILE (copied under $work/html) as JSON at exact ROUTE
#   run_wrk DURATION URL [ARGS]   prints "requests_per_second p50_ms p99_ms"; ARGS go to wrk
#                                 (e.g. -H "Authorization: Bearer ...")
# Environment: CONNECTIONS (64), WRK_THREADS (2).
connections=${CONNECTIONS:-64}
wrk_threads=${WRK_THREADS:-2}
command -v wrk >/dev/null && command -v nginx >/dev/null || { echo "wrk and nginx are needed: run scripts/setup" >&2; exit 1; }

work=$(mktemp -d)
chmod 755 "$work"  # nginx workers drop to "nobody" when started as root
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

wait_http() { for _ in $(seq 100); do curl -sf "$1" >/dev/null && return 0; sleep 0.1; done; return 1; }

# The demo seeds in the background: prints the first listed stock once it has 250 daily bars
# (waits up to SEED_TIMEOUT seconds, default 120); fails naming the server log otherwise.
wait_demo_daily_bars() {
  local base=$1 symbol="" bars=0
  for _ in $(seq "${SEED_TIMEOUT:-120}"); do
    symbol=$(curl -sf "$base/api/v1/market/symbols?security_type=stock&size=1" |
             python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][0]["symbol"])' 2>/dev/null || true)
    if [ -n "$symbol" ]; then
      bars=$(curl -sf "$base/api/v1/market/kline?symbol=$symbol&interval=1d&limit=250" |
             python3 -c 'import json,sys; print(len(json.load(sys.stdin)["data"]["bars"]))' 2>/dev/null || echo 0)
      [ "$bars" = 250 ] && { echo "$symbol"; return 0; }
    fi
    sleep 1
  done
  echo "demo data did not appear:" >&2; tail -20 "$work/mystocks.err" >&2
  return 1
}

start_nginx() {
  local port=$1; shift
  local locations=""
  mkdir -p "$work/html" "$work/tmp"
  while [ $# -gt 0 ]; do
    local name
    name=$(basename "$2")
    cp "$2" "$work/html/$name"
    locations+="    location = $1 { default_type application/json; try_files /$name =404; }"$'\n'
    shift 2
  done
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
    listen 127.0.0.1:$port;
    root $work/html;
$locations  }
}
CONF
  nginx -c "$work/nginx.conf" -p "$work"
}

# wrk --latency prints the distribution as "50%  1.23ms"; units us/ms/s become milliseconds.
run_wrk() {
  wrk -t"$wrk_threads" -c"$connections" -d"$1" --latency "${@:3}" "$2" | awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ { rps = $2 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    END { printf "%s %.3f %.3f\n", rps, p50, p99 }'
}

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
