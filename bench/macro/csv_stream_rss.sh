#!/usr/bin/env bash
# Peak memory and throughput of a big CSV tick import through the real binary (issue 16 goal:
# peak RSS <= 256 MB for a 2 GB CSV, >= 1 M rows/s end to end on a quiet machine).
# Writes a time-sorted multi-symbol Level-1 tick file of about SIZE_MB into a temp dir (100
# symbols x 4,800 snapshots per trading day, 24 columns, ~157 bytes a row), runs
#   mystocks ingest --source csv --dataset tick --all ...
# under /usr/bin/time -v against a fresh data dir, and prints one CSV line
#   size_mb,rows,chunk_rows,seconds,rows_per_s,peak_rss_mb
# plus the ingest summary. The temp dir (CSV and store) is removed afterwards.
#   usage: bench/macro/csv_stream_rss.sh [build-dir]   (default: build, a Release build)
# Environment: SIZE_MB (2048), CHUNK_ROWS (ingest.chunk_rows; default: the binary's default).
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
binary=$build/src/cli/mystocks
size_mb=${SIZE_MB:-2048}
[ -x "$binary" ] || { echo "no binary at $binary: build target mystocks first" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (GNU time) for the peak RSS" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/mystocks-csv-rss-XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/import/tick" "$work/data"

# Trading days of January 2024 from the 2nd (weekdays; the 1st was a holiday), as many as the
# size needs: one day of 100 symbols is 480,000 rows, about 75 MB.
days=$(( (size_mb + 74) / 75 ))
mawk -v days="$days" -v symbols=100 'BEGIN {
  print "ts,symbol,last,open,high,low,pre_close,volume,amount,num_trades," \
        "bid1_price,bid1_volume,bid2_price,bid2_volume,bid3_price,bid3_volume," \
        "ask1_price,ask1_volume,ask2_price,ask2_volume,ask3_price,ask3_volume,bid4_price,ask4_price"
  midnight = 1704038400000  # 2024-01-01 00:00 Asia/Shanghai, a Monday
  written = 0
  for (k = 1; written < days; ++k) {
    if (k % 7 == 5 || k % 7 == 6) continue  # Saturday, Sunday
    ++written
    day = midnight + k * 86400000
    for (i = 0; i < 4800; ++i) {
      ts = day + (i < 2400 ? 34200000 + i * 3000 : 46800000 + (i - 2400) * 3000)
      for (s = 0; s < symbols; ++s) {
        price = 10 + s / 10 + (i % 50) / 100
        printf "%.0f,%06d.SH,%.2f,%.2f,%.2f,%.2f,%.2f,%d,%.2f,%d,%.2f,%d,%.2f,%d,%.2f,%d,%.2f,%d,%.2f,%d,%.2f,%d,%.2f,%.2f\n",
          ts, 600000 + s, price, 10 + s / 10, price + 0.5, price - 0.5, 10 + s / 10, i * 1000 + s,
          price * (i * 1000 + s), i * 3, price - 0.01, 1200, price - 0.02, 3400, price - 0.03, 5600,
          price + 0.01, 1100, price + 0.02, 2200, price + 0.03, 3300, price - 0.04, price + 0.04
      }
    }
  }
}' > "$work/import/tick/ticks.csv"
bytes=$(stat -c %s "$work/import/tick/ticks.csv")
rows=$(( $(wc -l < "$work/import/tick/ticks.csv") - 1 ))
sync

env_args=(MYSTOCKS_SOURCES_INSTANCES=csv MYSTOCKS_SOURCES_PRIORITY=csv
          MYSTOCKS_SOURCES_CSV_DIR="$work/import" MYSTOCKS_LOGGING_LEVEL=warn)
[ -n "${CHUNK_ROWS:-}" ] && env_args+=(MYSTOCKS_INGEST_CHUNK_ROWS="$CHUNK_ROWS")
start=$(date +%s.%N)
env "${env_args[@]}" /usr/bin/time -v -o "$work/time.txt" \
  "$binary" ingest --source csv --dataset tick --all --from 2024-01-02 --to 2024-03-31 \
  --strategy continue --data-dir "$work/data" > "$work/ingest.out" 2>&1 || {
  echo "ingest failed:" >&2; cat "$work/ingest.out" >&2; exit 1; }
end=$(date +%s.%N)
peak_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
seconds=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}')
echo "size_mb,rows,chunk_rows,seconds,rows_per_s,peak_rss_mb"
awk -v mb="$(( bytes / 1048576 ))" -v rows="$rows" -v chunk="${CHUNK_ROWS:-default}" \
    -v s="$seconds" -v kb="$peak_kb" \
    'BEGIN {printf "%d,%d,%s,%s,%.0f,%.1f\n", mb, rows, chunk, s, rows / s, kb / 1024}'
grep -E "rows:|succeeded|failed" "$work/ingest.out" | tail -3 >&2
