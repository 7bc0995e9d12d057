// The side-by-side tsdb benchmark: what every engine is asked to do and what it reports. Each
// engine function loads the same generated ticks, then runs the same queries:
//   scan      one symbol, one day, every column, ascending (median of runs)
//   latest    the newest row of every symbol, every column
//   resample  1-minute OHLCV bars of one whole day for all symbols (first/max/min/last of the
//             last price, last cumulative volume and amount, row count)
// and returns an EngineResult; checksums let the driver check that the engines agree.
// Engines run one at a time in a child process, so peak memory is per engine.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/status.h"
#include "tick_data.h"

namespace mystocks::bench {

struct BenchConfig {
  TickShape shape;
  std::filesystem::path work_dir;   // engines put their data under work_dir/<engine>
  std::string tables_yaml = "config/tables.yaml";
  int query_runs = 30;
  std::string tsdb_sync = "group:5";  // tsdb.sync for the tsdb engine
};

struct EngineResult {
  std::string engine;
  int64_t rows = 0;
  double ingest_seconds = 0;       // the engine's batch API / bulk load calls only
  double settle_seconds = 0;       // after the last write until the data is in its final form
  double ingest_cpu_seconds = 0;   // CPU time of the writing thread in the load calls (in-process
                                   // engines only; the machine is shared, so wall time is noisy)
  double process_cpu_seconds = 0;  // CPU time of the whole process (all threads) for load + settle
  int64_t bytes_on_disk = 0;
  int64_t raw_bytes = 0;
  double scan_ms = 0;              // median
  double scan_p90_ms = 0;
  int64_t scan_rows = 0;
  double latest_ms = 0;            // median, warm
  double latest_first_ms = 0;      // first call after a restart of the engine (cold caches)
  int64_t latest_rows = 0;
  double resample_ms = 0;          // median
  int64_t resample_rows = 0;
  int64_t resample_checksum = 0;   // sum of open + high + low + close + count over all bars
  double peak_rss_mb = 0;          // filled by the driver (child process), or the server's
  std::string notes;
};

Result<EngineResult> run_tsdb(const BenchConfig& config);
Result<EngineResult> run_sqlite(const BenchConfig& config);
Result<EngineResult> run_postgres(const BenchConfig& config);
Result<EngineResult> run_clickhouse(const BenchConfig& config);

// Median and 90th percentile of durations in milliseconds.
double median_ms(std::vector<double> samples);
double p90_ms(std::vector<double> samples);

// CPU time of the calling thread / of the whole process, in seconds.
double thread_cpu_seconds();
double process_cpu_seconds();

// Wall-clock stopwatch in seconds.
class Stopwatch {
 public:
  Stopwatch();
  double seconds() const;
  double millis() const { return seconds() * 1000; }

 private:
  int64_t start_ns_;
};

// Total size of the files under a directory.
int64_t directory_bytes(const std::filesystem::path& dir);

}  // namespace mystocks::bench
