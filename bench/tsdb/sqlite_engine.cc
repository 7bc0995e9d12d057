// The SQLite side of the benchmark: one table clustered on (symbol, ts) (WITHOUT ROWID), every
// tick column an INTEGER, loaded through a prepared INSERT, one transaction per batch, WAL
// journal with synchronous=FULL (each commit durable, like tsdb's acknowledged writes).
#include <sqlite3.h>

#include <fmt/format.h>

#include "engine.h"
#include "storage/tables_yaml.h"

namespace mystocks::bench {
namespace {

struct Db {
  sqlite3* handle = nullptr;
  ~Db() { sqlite3_close(handle); }
};
struct Statement {
  sqlite3_stmt* handle = nullptr;
  ~Statement() { sqlite3_finalize(handle); }
};

Status check(int rc, sqlite3* db, std::string_view what) {
  if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW) return Status::ok();
  return error(ErrorCode::kUnavailable, "sqlite {}: {}", what, sqlite3_errmsg(db));
}

Status exec(sqlite3* db, const std::string& sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    Status status = error(ErrorCode::kUnavailable, "sqlite: {}: {}", sql.substr(0, 60),
                          message != nullptr ? message : "?");
    sqlite3_free(message);
    return status;
  }
  return Status::ok();
}

// Column names of the tick table in declaration order (all stored as INTEGER except the tags).
std::vector<std::string> tick_columns(const storage::TableSchema& tick) {
  std::vector<std::string> names;
  for (const storage::ColumnDef& column : tick.columns) names.push_back(column.field.name);
  return names;
}

}  // namespace

Result<EngineResult> run_sqlite(const BenchConfig& config) {
  Result<storage::TableCatalog> catalog = storage::load_tables_yaml(config.tables_yaml);
  if (!catalog.is_ok()) return catalog.status();
  const storage::TableSchema& tick = **catalog->find("tick");
  const std::vector<std::string> columns = tick_columns(tick);
  EngineResult result;
  result.engine = "sqlite";
  result.notes = fmt::format("SQLite {}, WITHOUT ROWID PK (symbol, ts), WAL, synchronous=FULL, "
                             "one transaction per batch", sqlite3_libversion());
  const std::filesystem::path dir = config.work_dir / "sqlite";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "tick.db").string();
  Db db;
  MYSTOCKS_RETURN_IF_ERROR(check(sqlite3_open(path.c_str(), &db.handle), db.handle, "open"));
  MYSTOCKS_RETURN_IF_ERROR(exec(db.handle, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                                           "PRAGMA cache_size=-262144;"));
  std::string create = "CREATE TABLE tick (";
  for (const storage::ColumnDef& column : tick.columns) {
    create += column.field.name + (column.field.type == ColumnType::kString ? " TEXT NOT NULL, " : " INTEGER, ");
  }
  create += "PRIMARY KEY (symbol, ts)) WITHOUT ROWID";
  MYSTOCKS_RETURN_IF_ERROR(exec(db.handle, create));
  std::string insert = "INSERT INTO tick VALUES (";
  for (size_t index = 0; index < columns.size(); ++index) insert += index == 0 ? "?" : ",?";
  insert += ")";
  Statement statement;
  MYSTOCKS_RETURN_IF_ERROR(check(sqlite3_prepare_v2(db.handle, insert.c_str(), -1, &statement.handle, nullptr),
                                 db.handle, "prepare insert"));
  const double process_cpu_start = process_cpu_seconds();
  double generation_cpu = 0;
  TickGenerator generator(tick, config.shape);
  RecordBatch batch;
  while (true) {
    const double before_generation = process_cpu_seconds();
    if (!generator.next(batch)) break;
    generation_cpu += process_cpu_seconds() - before_generation;
    const double thread_cpu_start = thread_cpu_seconds();
    Stopwatch write;
    MYSTOCKS_RETURN_IF_ERROR(exec(db.handle, "BEGIN"));
    for (size_t row = 0; row < batch.num_rows(); ++row) {
      for (size_t column = 0; column < batch.num_columns(); ++column) {
        const Column& values = batch.column(column);
        const int position = static_cast<int>(column) + 1;
        if (values.values().index() == 4) {
          const std::string& text = values.as<std::string>()[row];
          sqlite3_bind_text(statement.handle, position, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
        } else {
          sqlite3_bind_int64(statement.handle, position, values.as<int64_t>()[row]);
        }
      }
      MYSTOCKS_RETURN_IF_ERROR(check(sqlite3_step(statement.handle), db.handle, "insert"));
      sqlite3_reset(statement.handle);
    }
    MYSTOCKS_RETURN_IF_ERROR(exec(db.handle, "COMMIT"));
    result.ingest_seconds += write.seconds();
    result.ingest_cpu_seconds += thread_cpu_seconds() - thread_cpu_start;
    result.rows += static_cast<int64_t>(batch.num_rows());
  }
  result.raw_bytes = generator.raw_bytes();
  Stopwatch settle;
  MYSTOCKS_RETURN_IF_ERROR(exec(db.handle, "PRAGMA wal_checkpoint(TRUNCATE)"));
  result.settle_seconds = settle.seconds();
  result.process_cpu_seconds = process_cpu_seconds() - process_cpu_start - generation_cpu;
  result.bytes_on_disk = directory_bytes(dir);

  const int32_t day = trading_day(0);
  const int64_t day_start = snapshot_time(day, 0) - 30 * 60'000;
  const int64_t day_end = day_start + 8 * 3'600'000;
  Statement scan;
  MYSTOCKS_RETURN_IF_ERROR(check(sqlite3_prepare_v2(db.handle,
      "SELECT * FROM tick WHERE symbol = ?1 AND ts >= ?2 AND ts < ?3 ORDER BY ts", -1, &scan.handle, nullptr),
      db.handle, "prepare scan"));
  Statement latest;
  MYSTOCKS_RETURN_IF_ERROR(check(sqlite3_prepare_v2(db.handle,
      "SELECT t.* FROM (SELECT symbol, MAX(ts) AS ts FROM tick GROUP BY symbol) AS m "
      "JOIN tick AS t ON t.symbol = m.symbol AND t.ts = m.ts ORDER BY t.symbol", -1, &latest.handle, nullptr),
      db.handle, "prepare latest"));
  Statement resample;
  MYSTOCKS_RETURN_IF_ERROR(check(sqlite3_prepare_v2(db.handle,
      "WITH g AS (SELECT symbol, ts / 60000 AS m, MIN(ts) AS t0, MAX(ts) AS t1, MAX(last) AS hi, "
      "MIN(last) AS lo, COUNT(*) AS n FROM tick WHERE ts >= ?1 AND ts < ?2 GROUP BY symbol, m) "
      "SELECT g.symbol, g.m, o.last, g.hi, g.lo, c.last, c.volume, c.amount, g.n FROM g "
      "JOIN tick AS o ON o.symbol = g.symbol AND o.ts = g.t0 "
      "JOIN tick AS c ON c.symbol = g.symbol AND c.ts = g.t1 ORDER BY g.symbol, g.m", -1, &resample.handle, nullptr),
      db.handle, "prepare resample"));

  auto run_latest = [&]() -> Status {
    int64_t rows = 0;
    while (sqlite3_step(latest.handle) == SQLITE_ROW) ++rows;
    sqlite3_reset(latest.handle);
    result.latest_rows = rows;
    return Status::ok();
  };
  Stopwatch first;
  MYSTOCKS_RETURN_IF_ERROR(run_latest());
  result.latest_first_ms = first.millis();
  std::vector<double> scans, latests, resamples;
  for (int run = 0; run < config.query_runs; ++run) {
    const std::string symbol = symbol_name((run * 7919) % config.shape.symbols);
    Stopwatch scan_time;
    sqlite3_bind_text(scan.handle, 1, symbol.data(), static_cast<int>(symbol.size()), SQLITE_STATIC);
    sqlite3_bind_int64(scan.handle, 2, day_start);
    sqlite3_bind_int64(scan.handle, 3, day_end);
    int64_t rows = 0;
    // Read every column, as a client materialising the rows would.
    int64_t sink = 0;
    while (sqlite3_step(scan.handle) == SQLITE_ROW) {
      for (int column = 0; column < static_cast<int>(columns.size()); ++column) {
        sink += sqlite3_column_int64(scan.handle, column);
      }
      ++rows;
    }
    sqlite3_reset(scan.handle);
    scans.push_back(scan_time.millis());
    result.scan_rows = rows + (sink == 42 ? 0 : 0);
    Stopwatch latest_time;
    MYSTOCKS_RETURN_IF_ERROR(run_latest());
    latests.push_back(latest_time.millis());
  }
  const int resample_runs = std::max(3, config.query_runs / 5);
  for (int run = 0; run < resample_runs; ++run) {
    Stopwatch resample_time;
    sqlite3_bind_int64(resample.handle, 1, day_start);
    sqlite3_bind_int64(resample.handle, 2, day_end);
    int64_t rows = 0;
    int64_t checksum = 0;
    while (sqlite3_step(resample.handle) == SQLITE_ROW) {
      checksum += sqlite3_column_int64(resample.handle, 2) + sqlite3_column_int64(resample.handle, 3) +
                  sqlite3_column_int64(resample.handle, 4) + sqlite3_column_int64(resample.handle, 5) +
                  sqlite3_column_int64(resample.handle, 8);
      ++rows;
    }
    sqlite3_reset(resample.handle);
    resamples.push_back(resample_time.millis());
    result.resample_rows = rows;
    result.resample_checksum = checksum;
  }
  result.scan_ms = median_ms(scans);
  result.scan_p90_ms = p90_ms(scans);
  result.latest_ms = median_ms(latests);
  result.resample_ms = median_ms(resamples);
  return result;
}

}  // namespace mystocks::bench
