// Relational store benchmark (docs/performance.md "Relational stores"): bulk upsert of 5,000
// symbols x 250 trading days of daily K-lines (1.25 M rows, all 13 columns) into an empty table
// and again over the same keys (every row an update), then reading one symbol's year (250 rows),
// on SQLite and on a private PostgreSQL 15 started for the run (or MYSTOCKS_BENCH_POSTGRES).
// PostgreSQL loads use one long-lived store, as a running server's pool does; beside them, the
// same rows in one bare COPY (the server's floor) and a load on a brand-new connection (cold
// backend). Run from a Release build:
//   build-rel/bench/relational/relational_bench --benchmark_format=json
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "core/timestamp.h"
#include "storage/postgres/pg_connection.h"
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

// The PostgreSQL server under test: a private one started for the run, or the user's own when
// MYSTOCKS_BENCH_POSTGRES holds a key=value libpq conninfo without dbname ("host=db1 port=5432
// user=bench"; not a URI). Its role needs CREATEDB and the right to CHECKPOINT (superuser or
// pg_checkpoint), on PostgreSQL 15. The run creates databases bench_0, bench_1, ... (replacing
// any of those names that exist) and drops them as it goes; the pooled database, the last
// new-connection one and the range-read one are left for inspection. The tuned settings below
// apply only to the private server: numbers from another server reflect its own configuration.
class BenchPostgres {
 public:
  static BenchPostgres* get() {
    static std::unique_ptr<BenchPostgres> instance = make();
    return instance.get();
  }

  std::string conninfo(const std::string& dbname) const {
    // libpq takes the last of a repeated keyword, so a dbname in the user's string is replaced.
    return server_ != nullptr ? server_->connection_string(dbname)
                              : external_ + " dbname=" + dbname;
  }

  Result<test::PgConnection> connect(const std::string& dbname = "postgres") const {
    return test::PgConnection::open(conninfo(dbname));
  }

 private:
  static std::unique_ptr<BenchPostgres> make() {
    auto made = std::make_unique<BenchPostgres>();
    if (const char* external = std::getenv("MYSTOCKS_BENCH_POSTGRES")) {
      made->external_ = external;
      return made;
    }
    // Settings a bulk-loading production server would have too: WAL room so a load does not
    // force checkpoints, and temp_buffers so the staging table stays in memory. fsync and
    // synchronous_commit stay on: a commit is durable, as in production.
    made->server_ = std::make_unique<test::PostgresServer>(test::PostgresOptions{
        .shared_buffers = "512MB",
        .extra_config = {"max_wal_size = '8GB'", "checkpoint_timeout = '30min'",
                         "temp_buffers = '128MB'", "work_mem = '64MB'",
                         "maintenance_work_mem = '256MB'", "wal_buffers = '64MB'"}});
    const Status status = made->server_->start();
    if (!status.is_ok()) {
      std::fprintf(stderr, "PostgreSQL did not start: %s\n", status.to_string().c_str());
      return nullptr;
    }
    return made;
  }

  // Stopped (and its directory removed) by the static destructor when the benchmark exits.
  std::unique_ptr<test::PostgresServer> server_;
  std::string external_;
};

// Databases the run created and drops before the next timed load; the pooled database and the
// range-read one are not listed (they live for the whole run).
std::vector<std::string>& created_databases() {
  static std::vector<std::string> created;
  return created;
}

// The pooled database's plain connection once it is open (see PooledPostgres).
PostgresConnection*& pooled_plain_connection() {
  static PostgresConnection* plain = nullptr;
  return plain;
}

// Before every timed PostgreSQL load: the databases of earlier iterations dropped, the pooled
// table emptied (TRUNCATE: new empty files, and it cancels that table's autovacuum) and dirty
// pages written out, so no earlier load's autovacuum, buffers or checkpoint run inside this one.
bool quiesce(const BenchPostgres& server) {
  if (PostgresConnection* plain = pooled_plain_connection();
      plain != nullptr && !plain->execute("TRUNCATE daily_kline").is_ok()) {
    return false;
  }
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
  BenchPostgres* server = BenchPostgres::get();
  if (server == nullptr || !quiesce(*server)) return nullptr;
  Result<test::PgConnection> admin = server->connect();
  // A bench_N left by an earlier run on the user's server is replaced, without a NOTICE per name.
  if (admin.is_ok() && !admin->execute("SET client_min_messages = warning").is_ok()) return nullptr;
  if (!admin.is_ok() ||
      !admin->execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)").is_ok() ||
      !admin->execute("CREATE DATABASE " + name).is_ok()) {
    return nullptr;
  }
  created_databases().push_back(name);
  Result<std::unique_ptr<PostgresStore>> store =
      PostgresStore::open({.primary_conninfo = server->conninfo(name), .statement_timeout_ms = 0});
  if (!store.is_ok() || !(*store)->ensure_table(daily_kline()).is_ok()) return nullptr;
  return std::move(*store);
}

using Opener = std::unique_ptr<RelationalStore> (*)(const std::string&);

std::string fresh_name() {
  static std::atomic<int> counter{0};
  return fmt::format("bench_{}", counter++);
}

// --- benchmarks -------------------------------------------------------------------------------

// The warm-up load's rows as PostgreSQL's own binary COPY stream, for BM_PostgresRawCopy.
std::string& raw_copy_stream() {
  static std::string stream;
  return stream;
}

Status copy_out(test::PgConnection& connection, std::string& out) {
  PGconn* conn = connection.get();
  PGresult* started = PQexec(conn, "COPY daily_kline TO STDOUT (FORMAT binary)");
  const bool copying = PQresultStatus(started) == PGRES_COPY_OUT;
  PQclear(started);
  if (!copying) return error(ErrorCode::kInternal, "COPY TO: {}", PQerrorMessage(conn));
  char* buffer = nullptr;
  int size = 0;
  while ((size = PQgetCopyData(conn, &buffer, 0)) > 0) {
    out.append(buffer, static_cast<size_t>(size));
    PQfreemem(buffer);
  }
  Status finished =
      size == -1 ? Status::ok() : error(ErrorCode::kInternal, "COPY TO: {}", PQerrorMessage(conn));
  while (PGresult* result = PQgetResult(conn)) {  // a COPY that failed midway says so here
    if (PQresultStatus(result) != PGRES_COMMAND_OK && finished.is_ok()) {
      finished = error(ErrorCode::kInternal, "COPY TO: {}", PQresultErrorMessage(result));
    }
    PQclear(result);
  }
  return finished;
}

bool dump_rows(const std::string& database) {
  Result<test::PgConnection> connection = BenchPostgres::get()->connect(database);
  return connection.is_ok() && copy_out(*connection, raw_copy_stream()).is_ok() &&
         !raw_copy_stream().empty();
}

// The server's floor for this table: the same rows, already encoded, in one COPY statement with
// nothing else (what `psql \copy` of a binary file does), through the store's own COPY sender.
Status copy_in(PostgresConnection& connection, const std::string& stream) {
  constexpr size_t kPiece = 1 << 20;
  MYSTOCKS_RETURN_IF_ERROR(connection.execute("BEGIN"));
  size_t at = 0;
  const Status copied =
      connection.copy_in("COPY daily_kline FROM STDIN (FORMAT binary)", [&](std::string& out) {
        const size_t piece = std::min(kPiece, stream.size() - at);
        out.append(stream, at, piece);
        at += piece;
        return at < stream.size();
      });
  if (!copied.is_ok()) {
    (void)connection.execute("ROLLBACK");  // keeps the shared connection usable
    return copied;
  }
  return connection.execute("COMMIT");
}

// PostgreSQL loads run as in a running server: on one database whose store (and so its pool's
// connection, and the backend behind it) lives for the whole run, the table emptied by TRUNCATE
// (new empty files for the table and its indexes, as a fresh table has) before each timed load.
// A backend's first load pays ~35,000 page faults mapping shared buffers and WAL buffers in
// (measured: 0.3-0.7 s of its time per 1.25 M rows), which a pooled connection pays once;
// BM_PostgresBulkInsertNewConnection measures that cold case.
struct PooledPostgres {
  std::unique_ptr<RelationalStore> store;
  std::string database;
  std::unique_ptr<PostgresConnection> plain;  // for the bare COPY, TRUNCATE and CHECKPOINT
};

PooledPostgres* pooled_postgres() {
  static std::unique_ptr<PooledPostgres> pooled = []() -> std::unique_ptr<PooledPostgres> {
    const std::string name = fresh_name();
    auto made = std::make_unique<PooledPostgres>();
    made->store = open_postgres(name);
    std::erase(created_databases(), name);  // kept for the whole run
    if (made->store == nullptr) return nullptr;
    Result<std::unique_ptr<PostgresConnection>> plain =
        PostgresConnection::connect(BenchPostgres::get()->conninfo(name), "", 0);
    if (!plain.is_ok()) return nullptr;
    made->database = name;
    made->plain = std::move(*plain);
    pooled_plain_connection() = made->plain.get();
    return made;
  }();
  return pooled.get();
}

// A new PostgreSQL cluster creates (zero-fills) every WAL segment the first time it needs it,
// while a running production server recycles old ones: measured, the first 1.25 M-row load
// after start-up took 6.2-6.6 s and later ones 3.8-4.5 s. Untimed, once: one load through the
// pooled store, its rows streamed back as BM_PostgresRawCopy's input, and one bare COPY of them,
// so both backends have mapped the shared buffers before their first timed load.
bool warm_up(Opener open) {
  if (open != &open_postgres) return true;
  static const bool warmed = [] {  // once, and a failure stays a failure
    PooledPostgres* pooled = pooled_postgres();
    return pooled != nullptr && pooled->store->upsert("daily_kline", kline_batch()).is_ok() &&
           dump_rows(pooled->database) && quiesce(*BenchPostgres::get()) &&
           copy_in(*pooled->plain, raw_copy_stream()).is_ok() && quiesce(*BenchPostgres::get());
  }();
  return warmed;
}

// Upserts the 1.25 M rows into an empty table (update = false) or over the same keys again.
// `new_connection`: PostgreSQL gets a fresh database, store and backend per iteration.
void bulk_upsert(benchmark::State& state, Opener open, bool update, bool new_connection = false) {
  const RecordBatch& batch = kline_batch();
  if (!warm_up(open)) {
    state.SkipWithError("warm-up load failed");
    return;
  }
  const bool pooled = open == &open_postgres && !new_connection;
  for (auto _ : state) {
    state.PauseTiming();
    std::unique_ptr<RelationalStore> opened;
    RelationalStore* store = nullptr;
    if (pooled) {
      PooledPostgres* target = pooled_postgres();
      if (target != nullptr && quiesce(*BenchPostgres::get())) store = target->store.get();
    } else {
      opened = open(fresh_name());
      store = opened.get();
    }
    if (store == nullptr) {
      state.SkipWithError("store did not open");
      break;
    }
    if (update && (!store->upsert("daily_kline", batch).is_ok() ||
                   (pooled && !pooled_plain_connection()->execute("CHECKPOINT").is_ok()))) {
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

// The same rows through one bare COPY on a plain connection to the same database: the server's
// own cost for this table on this host at this moment, the floor the store's upsert is compared
// with in the same run.
void BM_PostgresRawCopy(benchmark::State& state) {
  if (!warm_up(&open_postgres)) {
    state.SkipWithError("warm-up load failed");
    return;
  }
  for (auto _ : state) {
    state.PauseTiming();
    PooledPostgres* target = pooled_postgres();
    if (target == nullptr || !quiesce(*BenchPostgres::get())) {
      state.SkipWithError("database did not open");
      break;
    }
    state.ResumeTiming();
    const Status status = copy_in(*target->plain, raw_copy_stream());
    if (!status.is_ok()) {
      state.SkipWithError(status.to_string().c_str());
      break;
    }
  }
  state.counters["rows"] = static_cast<double>(kline_batch().num_rows());
  state.counters["rows_per_s"] = benchmark::Counter(static_cast<double>(kline_batch().num_rows()),
                                                    benchmark::Counter::kIsIterationInvariantRate);
}

// One symbol, one year: 250 rows of all 13 columns by symbol and date range.
void range_read(benchmark::State& state, Opener open) {
  // Never destroyed: at exit it would outlive the metrics registry its stores' pools report to.
  static auto& loaded = *new std::map<Opener, std::unique_ptr<RelationalStore>>;
  std::unique_ptr<RelationalStore>& store = loaded[open];
  if (store == nullptr) {
    const std::string name = fresh_name();
    store = open(name);
    // Kept for later repetitions: the write benchmarks (interleaved with this one under
    // --benchmark_enable_random_interleaving) drop every other database they created.
    std::erase(created_databases(), name);
    if (store == nullptr || !store->upsert("daily_kline", kline_batch()).is_ok()) {
      state.SkipWithError("could not load the table");
      return;
    }
    // Read the steady state, not the first pass over freshly loaded pages: PostgreSQL's
    // autovacuum would have set hint bits and statistics by then; do it now.
    if (open == &open_postgres) {
      Result<test::PgConnection> admin = BenchPostgres::get()->connect(name);
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
void BM_PostgresBulkInsertNewConnection(benchmark::State& state) {
  bulk_upsert(state, &open_postgres, false, /*new_connection=*/true);
}
void BM_SqliteRangeRead(benchmark::State& state) { range_read(state, &open_sqlite); }
void BM_PostgresRangeRead(benchmark::State& state) { range_read(state, &open_postgres); }

BENCHMARK(BM_SqliteBulkInsert)->Iterations(3)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_PostgresBulkInsert)->Iterations(3)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_PostgresRawCopy)->Iterations(3)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_PostgresBulkInsertNewConnection)
    ->Iterations(3)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_SqliteBulkUpdate)->Iterations(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_PostgresBulkUpdate)->Iterations(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_SqliteRangeRead)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_PostgresRangeRead)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace
}  // namespace mystocks::storage
