// CSV tick import end to end into the embedded stores: simulated Level-1 snapshots are written as
// CSV files (one per day, all 31 columns, local times, as an export would have them), then the
// ingest pipeline imports them through the csv source into a fresh tsdb (sync group:5, zstd, as
// configured by default) - parse, symbol normalisation, quality checks, DataManager validation
// and the durable write. Stages are also timed alone to show where the time goes.
// Output: CSV lines "stage,rows,seconds,rows_per_second" (median of the timed runs).
// Usage: ingest_bench [symbols=50] [days=5] [runs=3] [pipeline]  ("pipeline": only the end-to-end
// stage, e.g. under perf)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/decimal.h"
#include "core/metrics.h"
#include "services/data_manager.h"
#include "services/ingest_pipeline.h"
#include "services/quality_checks.h"
#include "sources/csv/csv_source.h"
#include "sources/simulator/simulator_source.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/tables_yaml.h"
#include "storage/tsdb/options.h"
#include "storage/tsdb/tsdb_store.h"

namespace mystocks {
namespace {

namespace fs = std::filesystem;

template <typename T>
T check(Result<T> result, const char* what) {
  if (!result.is_ok()) {
    std::fprintf(stderr, "%s: %s\n", what, result.status().to_string().c_str());
    std::exit(1);
  }
  return std::move(result).value();
}

void check(const Status& status, const char* what) {
  if (!status.is_ok()) {
    std::fprintf(stderr, "%s: %s\n", what, status.to_string().c_str());
    std::exit(1);
  }
}

void write_csv(const RecordBatch& ticks, const fs::path& path) {
  std::string out;
  const Schema& schema = ticks.schema();
  for (size_t column = 0; column < schema.size(); ++column) {
    out += (column == 0 ? "" : ",") + schema.field(column).name;
  }
  out += '\n';
  for (size_t row = 0; row < ticks.num_rows(); ++row) {
    for (size_t column = 0; column < schema.size(); ++column) {
      if (column > 0) out += ',';
      const Column& values = ticks.column(column);
      if (values.is_null(row)) continue;
      const Field& field = schema.field(column);
      if (field.type == ColumnType::kTimestamp) {
        const TimestampMs ts = values.as<int64_t>()[row];
        const int64_t local = shanghai_millis_of_day(ts) / 1000;
        out += fmt::format("{} {:02}:{:02}:{:02}", shanghai_date(ts).to_string(), local / 3600,
                           local / 60 % 60, local % 60);
      } else if (field.type == ColumnType::kDecimal) {
        out += Decimal(values.as<int64_t>()[row], field.scale).to_string();
      } else if (field.type == ColumnType::kInt64) {
        out += std::to_string(values.as<int64_t>()[row]);
      } else {
        out += values.as<std::string>()[row];
      }
    }
    out += '\n';
  }
  std::ofstream(path, std::ios::binary) << out;
}

// Process CPU time (all threads), seconds: on a loaded machine rows per CPU-second is the
// steadier figure.
double cpu_seconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

struct Stores {
  std::unique_ptr<storage::SqliteStore> sqlite;
  std::unique_ptr<tsdb::TsdbStore> tsdb;
  std::unique_ptr<services::DataManager> manager;
};

Stores open_stores(const fs::path& dir, const storage::TableCatalog& catalog,
                   MetricsRegistry& metrics) {
  Stores stores;
  fs::create_directories(dir);
  stores.sqlite =
      check(storage::SqliteStore::open({.path = (dir / "relational.db").string()}), "open sqlite");
  tsdb::TsdbOptions options =
      check(tsdb::options_from_config(TsdbConfig{}, dir.string()), "tsdb options");
  options.metrics = &metrics;
  stores.tsdb = check(tsdb::TsdbStore::open(options), "open tsdb");
  stores.manager = std::make_unique<services::DataManager>(
      catalog, stores.tsdb.get(), stores.sqlite.get(), SystemClock::instance(),
      services::DataManagerOptions{.chunk_rows = 1 << 20, .metrics = &metrics});
  check(stores.manager->open(), "open data manager");
  return stores;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace
}  // namespace mystocks

int main(int argc, char** argv) {
  using namespace mystocks;
  const int symbols = argc > 1 ? std::atoi(argv[1]) : 50;
  const int days = argc > 2 ? std::atoi(argv[2]) : 5;
  const int runs = argc > 3 ? std::atoi(argv[3]) : 3;
  const bool only_pipeline = argc > 4 && std::string_view(argv[4]) == "pipeline";
  const auto catalog = std::make_shared<const storage::TableCatalog>(
      check(storage::load_tables_yaml(MYSTOCKS_TABLES_YAML), "tables.yaml"));
  const storage::TableSchema& tick = *check(catalog->find("tick"), "tick table");
  const ManualClock clock(shanghai_time(Date::from_ymd(2026, 11, 25), 16, 0));
  MetricsRegistry metrics;

  const fs::path root =
      fs::temp_directory_path() / fmt::format("mystocks-ingest-bench-{}", getpid());
  fs::create_directories(root / "import" / "tick");
  auto simulator =
      check(sources::SimulatorSource::create("sim", sources::SimulatorOptions{42, symbols}, catalog,
                                             clock, 50'000'000),
            "simulator");
  int days_left = days;
  const Date first = Date::from_ymd(2024, 5, 6);
  Date last = first;
  int64_t total_rows = 0;
  for (Date date = first; days_left > 0; date = Date{date.days + 1}) {
    if (!sources::TradingCalendar::china_a_shares().is_trading_day(date)) continue;
    RecordBatch batch =
        check(simulator->ticks(sources::SourceRequest::range({}, date, date)), "ticks");
    total_rows += static_cast<int64_t>(batch.num_rows());
    write_csv(batch, root / "import" / "tick" / fmt::format("ticks_{}.csv", date.to_string()));
    last = date;
    --days_left;
  }
  std::uintmax_t csv_bytes = 0;
  for (const auto& entry : fs::directory_iterator(root / "import" / "tick"))
    csv_bytes += entry.file_size();
  std::fprintf(stderr, "%lld tick rows, %d symbols, %s..%s, %.0f MB of CSV\n",
               static_cast<long long>(total_rows), symbols, first.to_string().c_str(),
               last.to_string().c_str(), static_cast<double>(csv_bytes) / 1e6);

  sources::CsvSourceOptions csv_options{.root = (root / "import").string()};
  auto csv =
      check(sources::CsvSource::create("csv", csv_options, catalog, clock, metrics), "csv source");
  services::IngestJobSpec spec;
  spec.source = "csv";
  spec.dataset = {sources::DataType::kTick};
  spec.all_symbols = true;
  spec.from = first;
  spec.to = last;
  spec.strategy = services::SaveStrategy::kRollback;
  // chunk_days stays 0: the pipeline fetches a csv source's whole range at once (it reads every
  // file per request anyway).

  // The stages alone: the csv source (read + decode + parse + field validation + concat + sort),
  // the quality checks, DataManager::save (validation + tsdb write) into fresh stores.
  auto time_stages = [&](const fs::path& dir, double& parse, double& checks, double& save) {
    auto start = std::chrono::steady_clock::now();
    RecordBatch parsed = check(csv->ticks(sources::SourceRequest::range({}, first, last)), "parse");
    parse = seconds_since(start);
    start = std::chrono::steady_clock::now();
    services::QualityReport report;
    (void)services::check_batch_quality(tick, parsed, {}, report);
    checks = seconds_since(start);
    Stores stores = open_stores(dir, *catalog, metrics);
    start = std::chrono::steady_clock::now();
    check(stores.manager->save("tick", parsed), "save");
    save = seconds_since(start);
  };
  // End to end: the pipeline from the files into fresh stores.
  std::vector<double> pipeline_cpu;
  auto time_pipeline = [&](const fs::path& dir) {
    Stores stores = open_stores(dir, *catalog, metrics);
    const services::IngestPipeline ingest(*stores.manager, *catalog, SystemClock::instance());
    services::IngestProgress progress(SystemClock::instance());
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = cpu_seconds();
    services::IngestSummary summary = ingest.run(spec, *csv, progress);
    const double seconds = seconds_since(start);
    pipeline_cpu.push_back(cpu_seconds() - cpu_start);
    check(summary.status, "ingest");
    if (summary.progress.rows_written != total_rows) {
      std::fprintf(stderr, "wrote %lld of %lld rows\n",
                   static_cast<long long>(summary.progress.rows_written),
                   static_cast<long long>(total_rows));
      std::exit(1);
    }
    return seconds;
  };

  std::vector<double> parse_s, checks_s, save_s, pipeline_s;
  for (int run = 0; run <= runs; ++run) {  // run 0 warms up
    double parse = 0, checks = 0, save = 0;
    if (!only_pipeline) time_stages(root / fmt::format("save-{}", run), parse, checks, save);
    fs::remove_all(root / fmt::format("save-{}", run));
    const double pipeline = time_pipeline(root / fmt::format("run-{}", run));
    fs::remove_all(root / fmt::format("run-{}", run));
    std::fprintf(stderr, "run %d: parse %.3f s, checks %.3f s, save %.3f s, pipeline %.3f s\n", run,
                 parse, checks, save, pipeline);
    if (run == 0) continue;
    parse_s.push_back(parse);
    checks_s.push_back(checks);
    save_s.push_back(save);
    pipeline_s.push_back(pipeline);
  }
  fs::remove_all(root);
  pipeline_cpu.erase(pipeline_cpu.begin());  // the warm-up
  std::printf("stage,rows,seconds,rows_per_second\n");
  auto line = [&](const char* stage, const std::vector<double>& seconds) {
    const double s = median(seconds);
    std::printf("%s,%lld,%.3f,%.0f\n", stage, static_cast<long long>(total_rows), s,
                static_cast<double>(total_rows) / s);
  };
  line("csv_parse_validate", parse_s);
  line("quality_checks", checks_s);
  line("datamanager_save_tsdb", save_s);
  line("pipeline_end_to_end", pipeline_s);
  line("pipeline_end_to_end_cpu_seconds", pipeline_cpu);
  return 0;
}
