// The tsdb side of the benchmark: the real TsdbStore through its public batch API.
#include <algorithm>
#include <fmt/format.h>

#include "engine.h"
#include "storage/tables_yaml.h"
#include "storage/tsdb/tsdb_store.h"

namespace mystocks::bench {
namespace {

int64_t resample_checksum(const RecordBatch& bars) {
  int64_t sum = 0;
  for (const char* name : {"open", "high", "low", "close", "n"}) {
    const Column* column = bars.column(name);
    for (int64_t value : column->as<int64_t>()) sum += value;
  }
  return sum;
}

}  // namespace

Result<EngineResult> run_tsdb(const BenchConfig& config) {
  Result<storage::TableCatalog> catalog = storage::load_tables_yaml(config.tables_yaml);
  if (!catalog.is_ok()) return catalog.status();
  Result<const storage::TableSchema*> tick = catalog->find("tick");
  if (!tick.is_ok()) return tick.status();
  EngineResult result;
  result.engine = "tsdb";
  tsdb::TsdbOptions options;
  options.dir = config.work_dir / "tsdb";
  options.metrics = nullptr;
  Result<tsdb::SyncPolicy> sync = tsdb::parse_sync_policy(config.tsdb_sync);
  if (!sync.is_ok()) return sync.status();
  options.sync = *sync;
  std::filesystem::remove_all(options.dir);
  result.notes = fmt::format("sync {}, memtable {} MiB, zstd {}", options.sync.to_string(),
                             options.memtable_bytes >> 20, options.compression.zstd_level);
  {
    Result<std::unique_ptr<tsdb::TsdbStore>> store = tsdb::TsdbStore::open(options);
    if (!store.is_ok()) return store.status();
    MYSTOCKS_RETURN_IF_ERROR((*store)->create_table(**tick));
    const double process_cpu_start = process_cpu_seconds();
  double generation_cpu = 0;
  TickGenerator generator(**tick, config.shape);
    RecordBatch batch;
    while (true) {
    const double before_generation = process_cpu_seconds();
    if (!generator.next(batch)) break;
    generation_cpu += process_cpu_seconds() - before_generation;
    const double thread_cpu_start = thread_cpu_seconds();
      Stopwatch write;
      MYSTOCKS_RETURN_IF_ERROR((*store)->write("tick", batch));
      result.ingest_seconds += write.seconds();
    result.ingest_cpu_seconds += thread_cpu_seconds() - thread_cpu_start;
      result.rows += static_cast<int64_t>(batch.num_rows());
    }
    result.raw_bytes = generator.raw_bytes();
    Stopwatch settle;
    MYSTOCKS_RETURN_IF_ERROR((*store)->compact());
    result.settle_seconds = settle.seconds();
    result.process_cpu_seconds = process_cpu_seconds() - process_cpu_start - generation_cpu;
    Result<storage::TableStats> stats = (*store)->stats("tick");
    if (!stats.is_ok()) return stats.status();
    result.bytes_on_disk = stats->bytes_on_disk;
    if (stats->rows != result.rows) {
      return error(ErrorCode::kInternal, "tsdb holds {} rows after loading {}", stats->rows, result.rows);
    }
  }
  // Reopen: queries start from files, as after a restart.
  options.background_work = true;
  Result<std::unique_ptr<tsdb::TsdbStore>> store = tsdb::TsdbStore::open(options);
  if (!store.is_ok()) return store.status();
  tsdb::TsdbStore& db = **store;
  const int32_t day = trading_day(0);
  const int64_t day_start = snapshot_time(day, 0) - 30 * 60'000;
  const int64_t day_end = day_start + 8 * 3'600'000;

  std::vector<std::string> all_symbols;
  for (int symbol = 0; symbol < config.shape.symbols; ++symbol) all_symbols.push_back(symbol_name(symbol));
  Stopwatch first_latest;
  Result<RecordBatch> latest = db.latest("tick", all_symbols);
  if (!latest.is_ok()) return latest.status();
  result.latest_first_ms = first_latest.millis();
  result.latest_rows = static_cast<int64_t>(latest->num_rows());

  std::vector<double> scans, latests, resamples;
  for (int run = 0; run < config.query_runs; ++run) {
    const std::string symbol = symbol_name((run * 7919) % config.shape.symbols);
    Stopwatch scan_time;
    Result<RecordBatch> scan = db.scan("tick", {.symbols = {symbol}, .range = {day_start, day_end}});
    if (!scan.is_ok()) return scan.status();
    scans.push_back(scan_time.millis());
    result.scan_rows = static_cast<int64_t>(scan->num_rows());

    Stopwatch latest_time;
    latest = db.latest("tick", all_symbols);
    if (!latest.is_ok()) return latest.status();
    latests.push_back(latest_time.millis());
  }
  const int resample_runs = std::max(3, config.query_runs / 5);
  for (int run = 0; run < resample_runs; ++run) {
    storage::AggregateQuery query;
    query.range = {day_start, day_end};
    query.interval_ms = 60'000;
    query.alignment = storage::BucketAlignment::kTradingSession;
    query.aggregates = {{"last", storage::AggregateFunction::kFirst, "open"},
                        {"last", storage::AggregateFunction::kMax, "high"},
                        {"last", storage::AggregateFunction::kMin, "low"},
                        {"last", storage::AggregateFunction::kLast, "close"},
                        {"volume", storage::AggregateFunction::kLast, "volume"},
                        {"amount", storage::AggregateFunction::kLast, "amount"},
                        {"ts", storage::AggregateFunction::kCount, "n"}};
    Stopwatch resample_time;
    Result<RecordBatch> bars = db.aggregate("tick", query);
    if (!bars.is_ok()) return bars.status();
    resamples.push_back(resample_time.millis());
    result.resample_rows = static_cast<int64_t>(bars->num_rows());
    result.resample_checksum = resample_checksum(*bars);
  }
  result.scan_ms = median_ms(scans);
  result.scan_p90_ms = p90_ms(scans);
  result.latest_ms = median_ms(latests);
  result.resample_ms = median_ms(resamples);
  const tsdb::MemoryUsage memory = db.memory_usage();
  result.notes += fmt::format("; index cache {} MiB", memory.segment_index_bytes >> 20);
  return result;
}

}  // namespace mystocks::bench
