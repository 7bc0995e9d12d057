#!/usr/bin/env bash
# Side-by-side realtime fan-out: `mystocks serve` vs Node's socket.io@4 reference server
# (bench/realtime/node_reference_server.mjs), driven by the same C++ load generator in one
# invocation so the ratios are comparable on a noisy machine. Every scenario starts a fresh
# server on a free loopback port, runs one generator against it and stops the server; servers
# alternate order between scenarios and rounds. Prints the generator's JSON lines (also kept in
# $RESULTS) and the Markdown tables of docs/performance.md.
#   usage: bench/realtime/run.sh [build-dir]   (default: build-bench-rt, a Release build)
# Scenarios:
#   hold   SIZES connections (default "1000 10000 19000") subscribe to quote:600519.SH; server RSS
#          before/after gives memory per connection; then LATENCY_BROADCASTS spaced single
#          broadcasts (one warm-up first) give the fan-out latency to the whole room.
#   burst  BURST_SIZE (10000) connections subscribe to tick:600519.SH and BURST_BROADCASTS (50)
#          updates are published back to back: delivered messages/s. Ticks, because MyStocks
#          conflates quotes by design (newest quote per symbol wins), which would turn a quote
#          burst into a test of conflation rather than of delivery.
#   floor  FLOOR_SIZE (10000) raw loopback TCP sockets, one send each per round, no protocol
#          (realtime_loopback_floor), with send() and with io_uring: what the kernel alone costs.
# Servers (SERVERS): node; mystocks (realtime.batch_window_ms=1); mystocks-w50 (the shipped
# 50 ms batch window). Both MyStocks servers run with gateway.rate_limit_enabled=false: the
# generator publishes from one address faster than the operator route's 100 requests/s allow,
# and the Node peer has no limiter either. The publish route needs the operator role: before
# each MyStocks server starts, `mystocks admin user add` creates an operator in its fresh data
# dir; once it listens, the script logs in and hands the access token to the generator
# (--publish-token, sent as Authorization: Bearer). The Node peer takes no token.
# Environment: ROUNDS (1), SIZES, BURST_SIZE, LATENCY_BROADCASTS (10), BURST_BROADCASTS (50),
# RAMP_RATE (2000 connections/s), GENERATOR_THREADS (2), SOURCE_IPS (127.0.0.1,127.0.0.2),
# SCENARIO_TIMEOUT (150 s), FLOOR_SIZE (10000), RESULTS (the JSON lines; default $build/realtime_results.jsonl).
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build-bench-rt}
binary=$build/src/cli/mystocks
generator=$build/bench/realtime/realtime_load_generator
floor=$build/bench/realtime/realtime_loopback_floor
rounds=${ROUNDS:-1}
sizes=${SIZES:-"1000 10000 19000"}
burst_size=${BURST_SIZE:-10000}
latency_broadcasts=${LATENCY_BROADCASTS:-10}
burst_broadcasts=${BURST_BROADCASTS:-50}
ramp_rate=${RAMP_RATE:-2000}
generator_threads=${GENERATOR_THREADS:-2}
source_ips=${SOURCE_IPS:-127.0.0.1,127.0.0.2}
scenario_timeout=${SCENARIO_TIMEOUT:-150}
floor_size=${FLOOR_SIZE:-10000}
servers=(${SERVERS:-node mystocks mystocks-w50})
results=${RESULTS:-$build/realtime_results.jsonl}

[ -x "$binary" ] && [ -x "$generator" ] && [ -x "$floor" ] || {
  echo "build first: cmake --build $build --target mystocks realtime_load_generator" \
    "realtime_loopback_floor" >&2; exit 1; }
[ -d node_modules/socket.io ] || {
  echo "node_modules/socket.io is missing: run npm ci" >&2; exit 1; }
# Both servers and the generator hold one descriptor per connection.
ulimit -n "$(ulimit -Hn)"

work=$(mktemp -d)
server_pid=""
server_token=""
generator_pid=""
# The benchmark operator's password: random per run, never written to disk.
operator_password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=\n')
cleanup() {
  [ -n "$generator_pid" ] && kill "$generator_pid" 2>/dev/null || true
  [ -n "$server_pid" ] && kill -KILL "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Logs in as the benchmark operator on 127.0.0.1:$1; prints the access token.
login_operator() {
  BENCH_OPERATOR_PASSWORD=$operator_password node -e '
    const [port] = process.argv.slice(1);
    const password = process.env.BENCH_OPERATOR_PASSWORD;
    fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: "bench-operator", password }),
    }).then(async (response) => {
      const body = await response.json();
      if (response.status !== 200) throw new Error(`login: ${response.status} ${JSON.stringify(body)}`);
      process.stdout.write(body.data.access_token);
    }).catch((error) => { console.error(error.message); process.exit(1); });
  ' "$1"
}

# Starts server kind $1 on a free port; sets server_pid, server_port and server_token (the
# operator's access token; empty for the Node peer).
start_server() {
  local kind=$1 out=$work/$1.out
  : >"$out"
  server_token=""
  case $kind in
    node) node bench/realtime/node_reference_server.mjs --listen 127.0.0.1:0 \
      >"$out" 2>"$work/$kind.err" & ;;
    mystocks | mystocks-w50)
      # Its own config file: the compiled-in defaults (the same as config/mystocks.yaml) plus the
      # benchmark's settings, so edits to the shared config/mystocks.yaml cannot break a run.
      cat >"$work/$kind.yaml" <<YAML
realtime:
  batch_window_ms: $([ "$kind" = mystocks ] && echo 1 || echo 50)
gateway:
  rate_limit_enabled: false
logging:
  level: "warn"
YAML
      mkdir -p "$work/data"
      printf '%s\n' "$operator_password" | "$binary" admin user add bench-operator --role operator \
        --password-stdin --config "$work/$kind.yaml" --data-dir "$work/data" \
        >/dev/null 2>"$work/$kind.err" || {
        echo "$kind: admin user add failed:" >&2; cat "$work/$kind.err" >&2; exit 1; }
      "$binary" serve --config "$work/$kind.yaml" --listen 127.0.0.1:0 --data-dir "$work/data" \
        >"$out" 2>"$work/$kind.err" & ;;
    *) echo "unknown server $kind" >&2; exit 1 ;;
  esac
  server_pid=$!
  for _ in $(seq 200); do
    server_port=$(sed -n 's/^MYSTOCKS_LISTENING http:\/\/[^:]*:\([0-9]*\).*/\1/p' "$out")
    if [ -n "$server_port" ]; then
      [ "$kind" = node ] && return 0
      server_token=$(login_operator "$server_port") && return 0
      echo "$kind: the operator could not log in" >&2; exit 1
    fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "$kind did not start:" >&2; cat "$work/$kind.err" >&2; exit 1
}

stop_server() {
  kill -TERM "$server_pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
  rm -rf "$work/data"
}

# run_scenario KIND CONNECTIONS ROOM LATENCY_BROADCASTS BURST_BROADCASTS
run_scenario() {
  local kind=$1 connections=$2 room=$3 latency=$4 burst=$5
  start_server "$kind"
  echo "# $kind: $connections clients on $room, $latency spaced + $burst burst broadcasts" >&2
  timeout -k 5 "$scenario_timeout" "$generator" --server "127.0.0.1:$server_port" \
    --server-pid "$server_pid" --label "$kind" --connections "$connections" --room "$room" \
    --threads "$generator_threads" --ramp-rate "$ramp_rate" --source-ips "$source_ips" \
    --warmup-broadcasts 1 --latency-broadcasts "$latency" --throughput-broadcasts "$burst" \
    ${server_token:+--publish-token "$server_token"} \
    >"$work/line.json" 2>"$work/generator.err" &
  generator_pid=$!
  if wait "$generator_pid" && [ -s "$work/line.json" ]; then
    cat "$work/line.json" | tee -a "$results"
  else
    printf '{"server":"%s","connections_target":%s,"room":"%s","error":"%s"}\n' "$kind" \
      "$connections" "$room" "generator failed or timed out" | tee -a "$results"
    tail -5 "$work/generator.err" >&2
  fi
  generator_pid=""
  stop_server
  sleep 1  # let the kernel finish closing the previous scenario's sockets
}

: >"$results"
turn=0
for round in $(seq "$rounds"); do
  for size in $sizes; do
    # Alternate which server goes first so neither always runs on a warmer or quieter machine.
    order=("${servers[@]}")
    if (( turn++ % 2 )); then order=($(printf '%s\n' "${servers[@]}" | tac)); fi
    for kind in "${order[@]}"; do
      run_scenario "$kind" "$size" quote:600519.SH "$latency_broadcasts" 0
    done
  done
  order=("${servers[@]}")
  if (( turn++ % 2 )); then order=($(printf '%s\n' "${servers[@]}" | tac)); fi
  for kind in "${order[@]}"; do
    run_scenario "$kind" "$burst_size" tick:600519.SH 0 "$burst_broadcasts"
  done
  # The floor under both servers: the same fan-out as raw loopback sends with no protocol.
  for uring in 0 1; do
    echo "# floor: $floor_size raw loopback sends, io_uring=$uring" >&2
    if ! timeout -k 5 "$scenario_timeout" "$floor" --connections "$floor_size" \
      --rounds "$latency_broadcasts" --uring "$uring" --json 1 >"$work/floor.json" ||
      [ ! -s "$work/floor.json" ]; then
      echo "# floor failed (io_uring=$uring)" >&2
      continue
    fi
    tee -a "$results" <"$work/floor.json"
  done
done

echo
node bench/realtime/report.mjs "$results"
