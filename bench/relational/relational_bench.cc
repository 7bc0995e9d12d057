// Relational store benchmark (docs/performance.md "Relational stores"): bulk upsert of 5,000
// symbols x 250 trading days of daily K-lines (1.25 M rows, all 13 columns) into an empty table
// and again over the same keys (every row an update), then reading one symbol's year (250 rows),
// on SQLite and on a private PostgreSQL 15 started for the run. Run from a Release build:
//   build-rel/bench/relational/relational_bench --benchmark_format=json
#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <random>

#include <benchmark/benchmark.h>

#include "core/timestamp.h"
#include "storage/postgres/postgres_store.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/tables_yaml.h"
#include "support/postgres_server.h"
#include "support/temp_dir.h"

namespace mystocks::storage {
namespace {

constexpr int kSymbols = 5000;
constexpr int kDays = 250;

const TableSchema& daily_kline() {
  static const TableSchema table = [] {
    Result<TableCatalog> catalog = load_tables_yaml(MYSTOCKS_TABLES_YAML);
    if (!catalog.is_ok()) {
      std::fprintf(stderr, "%s\n", catalog.status().to_string().c_str());
      std::abort();
    }
    return **catalog->find("daily_kline");
  }();
  return table;
}

std::vector<int32_t> trading_days() {
  std::vector<int32_t> days;
  for (Date day = Date::from_ymd(2023, 1, 2); static_cast<int>(days.size()) < kDays; ++day.days) {
    if (!day.is_weekend()) days.push_back(day.days);
  }
  return days;
}

std::string symbol_of(int index) {
  return index < kSymbols / 2 ? fmt::format("{:06}.SH", 600000 + index)
                              : fmt::format("{:06}.SZ", 1 + index - kSymbols / 2);
}

// 1.25 M rows, grouped by symbol then date as a source delivers them; built column by column.
const RecordBatch& kline_batch() {
  static const RecordBatch batch = [] {
    const std::vector<int32_t> days = trading_days();
    const size_t rows = static_cast<size_t>(kSymbols) * kDays;
    std::vector<std::string> symbol;
    std::vector<int32_t> date;
    std::vector<int64_t> open, high, low, close, pre_close, change, volume, amount;
    std::vector<double> pct_change, turnover, adj;
    for (auto* column : {&open, &high, &low, &close, &pre_close, &change, &volume, &amount})
      column->reserve(rows);
    std::mt19937 random(7);
    for (int s = 0; s < kSymbols; ++s) {
      const std::string name = symbol_of(s);
      int64_t price = 5000 + static_cast<int64_t>(random() % 200000);  // 5.000 .. 205.000
      for (int32_t day : days) {
        const int64_t previous = price;
        price = std::max<int64_t>(1000, price + static_cast<int64_t>(random() % 2001) - 1000);
        symbol.push_back(name);
        date.push_back(day);
        open.push_back(previous);
        high.push_back(std::max(previous, price) + 50);
        low.push_back(std::min(previous, price) - 50);
        close.push_back(price);
        pre_close.push_back(previous);
        change.push_back(price - previous);
        pct_change.push_back(100.0 * static_cast<double>(price - previous) /
                             static_cast<double>(previous));
        volume.push_back(static_cast<int64_t>(random() % 50'000'000));
        amount.push_back(volume.back() * price / 10);  // yuan * 100 at decimal(2)
        turnover.push_back(static_cast<double>(random() % 2000) / 100.0);
        adj.push_back(1.0 + static_cast<double>(s % 7) / 10.0);
      }
    }
    std::vector<Column> columns;
    columns.emplace_back(std::move(symbol));
    columns.emplace_back(std::move(date));
    for (auto* column : {&open, &high, &low, &close, &pre_close, &change})
      columns.emplace_back(std::move(*column));
    columns.emplace_back(std::move(pct_change));
    columns.emplace_back(std::move(volume));
    columns.emplace_back(std::move(amount));
    columns.emplace_back(std::move(turnover));
    columns.emplace_back(std::move(adj));
    Result<RecordBatch> made = RecordBatch::make(daily_kline().schema(), std::move(columns));
    if (!made.is_ok()) {
      std::fprintf(stderr, "%s\n", made.status().to_string().c_str());
      std::abort();
    }
    return std::move(*made);
  }();
  return batch;
}

// --- backends ---------------------------------------------------------------------------------

const test::TempDir& scratch() {
  static const Result<test::TempDir> dir = test::TempDir::create("relational_bench_");
  return *dir;
}

std::unique_ptr<RelationalStore> open_sqlite(const std::string& name) {
  const std::string path = (scratch().path() / (name + ".db")).string();
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::open({.path = path});
  if (!store.is_ok() || !(*store)->ensure_table(daily_kline()).is_ok()) return nullptr;
  return std::move(*store);
}

// Stopped (and its directory removed) by the static destructor when the benchmark exits.
std::unique_ptr<test::PostgresServer>& postgres_slot() {
  static std::unique_ptr<test::PostgresServer> server;
  return server;
}

test::PostgresServer* postgres() {
  // Settings a bulk-loading production server would have too: WAL room so a load does not force
  // checkpoints, and temp_buffers so the staging table stays in memory. fsync and
  // synchronous_commit stay on: a commit is durable, as in production.
  static test::PostgresServer* server = [] {
    auto& started = postgres_slot();
    started = std::make_unique<test::PostgresServer>(test::PostgresOptions{
        .shared_buffers = "512MB",
        .extra_config = {"max_wal_size = '8GB'", "checkpoint_timeout = '30min'",
                         "temp_buffers = '128MB'", "work_mem = '64MB'",
                         "maintenance_work_mem = '256MB'", "wal_buffers = '64MB'"}});
    const Status status = started->start();
    if (!status.is_ok()) {
      std::fprintf(stderr, "PostgreSQL did not start: %s\n", status.to_string().c_str());
      started.reset();
    }
    return started.get();
  }();
  return server;
}

// Each iteration gets a fresh database; the previous iteration's one is dropped first and its
// dirty pages written out, so neither its autovacuum (PostgreSQL vacuums a freshly loaded table
// on its own) nor its checkpoint runs during the next timed load.
std::vector<std::string>& created_databases() {
  static std::vector<std::string> created;
  return created;
}

bool retire_previous_databases(test::PostgresServer& server) {
  std::vector<std::string>& created = created_databases();
  Result<test::PgConnection> admin = server.connect();
  if (!admin.is_ok()) return false;
  for (const std::string& name : created) {
    if (!admin->execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)").is_ok()) return false;
  }
  created.clear();
  return admin->execute("CHECKPOINT").is_ok();
}

std::unique_ptr<RelationalStore> open_postgres(const std::string& name) {
  test::PostgresServer* server = postgres();
  if (server == nullptr || !retire_previous_databases(*server) ||
      !server->create_database(name).is_ok()) {
    return nullptr;
  }
  created_databases().push_back(name);
  Result<std::unique_ptr<PostgresStore>> store = PostgresStore::open(
      {.primary_conninfo = server->connection_string(name), .statement_timeout_ms = 0});
  if (!store.is_ok() || !(*store)->ensure_table(daily_kline()).is_ok()) return nullptr;
  return std::move(*store);
}

using Opener = std::unique_ptr<RelationalStore> (*)(const std::string&);

std::string fresh_name() {
  static std::atomic<int> counter{0};
  return fmt::format("bench_{}", counter++);
}

// --- benchmarks -------------------------------------------------------------------------------

// A new PostgreSQL cluster creates (zero-fills) every WAL segment the first time it needs it,
// while a running production server recycles old ones: measured, the first 1.25 M-row load
// after start-up took 6.2-6.6 s and later ones 3.8-4.5 s. One untimed load warms it up.
bool warm_up(Opener open) {
  static bool warmed = false;
  if (open != &open_postgres || warmed) return true;
  warmed = true;
  std::unique_ptr<RelationalStore> store = open(fresh_name());
  return store != nullptr && store->upsert("daily_kline", kline_batch()).is_ok();
}

// Upserts the 1.25 M rows into an empty table (update = false) or over the same keys again.
void bulk_upsert(benchmark::State& state, Opener open, bool update) {
  const RecordBatch& batch = kline_batch();
  if (!warm_up(open)) {
    state.SkipWithError("warm-up load failed");
    return;
  }
  for (auto _ : state) {
    state.PauseTiming();
    std::unique_ptr<RelationalStore> store = open(fresh_name());
    if (store == nullptr) {
      state.SkipWithError("store did not open");
      break;
    }
    if (update && !store->upsert("daily_kline", batch).is_ok()) {
      state.SkipWithError("first load failed");
      break;
    }
    state.ResumeTiming();
    const Status status = store->upsert("daily_kline", batch);
    if (!status.is_ok()) {
      state.SkipWithError(status.to_string().c_str());
      break;
    }
  }
  state.counters["rows"] = static_cast<double>(batch.num_rows());
  state.counters["rows_per_s"] = benchmark::Counter(static_cast<double>(batch.num_rows()),
                                                    benchmark::Counter::kIsIterationInvariantRate);
}

// One symbol, one year: 250 rows of all 13 columns by symbol and date range.
void range_read(benchmark::State& state, Opener open) {
  static std::map<Opener, std::unique_ptr<RelationalStore>> loaded;
  std::unique_ptr<RelationalStore>& store = loaded[open];
  if (store == nullptr) {
    const std::string name = fresh_name();
    store = open(name);
    if (store == nullptr || !store->upsert("daily_kline", kline_batch()).is_ok()) {
      state.SkipWithError("could not load the table");
      return;
    }
    // Read the steady state, not the first pass over freshly loaded pages: PostgreSQL's
    // autovacuum would have set hint bits and statistics by then; do it now.
    if (open == &open_postgres) {
      Result<test::PgConnection> admin = postgres()->connect(name);
      if (!admin.is_ok() || !admin->execute("VACUUM (ANALYZE) daily_kline").is_ok()) {
        state.SkipWithError("VACUUM failed");
        return;
      }
    }
  }
  const std::vector<int32_t> days = trading_days();
  std::mt19937 random(11);
  int64_t rows = 0;
  for (auto _ : state) {
    RelationalQuery query{
        .filters = {eq("symbol", symbol_of(static_cast<int>(random() % kSymbols))),
                    cmp("trade_date", FilterOp::kGe, int64_t{days.front()}),
                    cmp("trade_date", FilterOp::kLe, int64_t{days.back()})}};
    Result<RecordBatch> result = store->query("daily_kline", query);
    if (!result.is_ok() || result->num_rows() != kDays) {
      state.SkipWithError("wrong result");
      break;
    }
    rows += static_cast<int64_t>(result->num_rows());
    benchmark::DoNotOptimize(result);
  }
  state.counters["rows"] =
      benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kAvgIterations);
}

void BM_SqliteBulkInsert(benchmark::State& state) { bulk_upsert(state, &open_sqlite, false); }
void BM_SqliteBulkUpdate(benchmark::State& state) { bulk_upsert(state, &open_sqlite, true); }
void BM_PostgresBulkInsert(benchmark::State& state) { bulk_upsert(state, &open_postgres, false); }
void BM_PostgresBulkUpdate(benchmark::State& state) { bulk_upsert(state, &open_postgres, true); }
void BM_SqliteRangeRead(benchmark::State& state) { range_read(state, &open_sqlite); }
void BM_PostgresRangeRead(benchmark::State& state) { range_read(state, &open_postgres); }

BENCHMARK(BM_SqliteBulkInsert)->Iterations(3)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_PostgresBulkInsert)->Iterations(3)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_SqliteBulkUpdate)->Iterations(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_PostgresBulkUpdate)->Iterations(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_SqliteRangeRead)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_PostgresRangeRead)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace
}  // namespace mystocks::storage
