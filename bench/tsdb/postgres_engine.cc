// The PostgreSQL side of the benchmark: a private PostgreSQL 15 cluster (tests/support harness)
// with shared_buffers 1GB, one table with PRIMARY KEY (symbol, ts) and bigint columns, loaded
// with COPY (text format) one transaction per batch, synchronous_commit on.
#include <libpq-fe.h>

#include <fstream>

#include <fmt/format.h>

#include "engine.h"
#include "storage/tables_yaml.h"
#include "support/postgres_server.h"

namespace mystocks::bench {
namespace {

struct PgResult {
  PGresult* handle;
  ~PgResult() { PQclear(handle); }
};

Status exec(PGconn* conn, const std::string& sql) {
  PgResult result{PQexec(conn, sql.c_str())};
  const ExecStatusType status = PQresultStatus(result.handle);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return error(ErrorCode::kUnavailable, "postgres: {}: {}", sql.substr(0, 60), PQerrorMessage(conn));
  }
  return Status::ok();
}

Result<std::string> scalar(PGconn* conn, const std::string& sql) {
  PgResult result{PQexec(conn, sql.c_str())};
  if (PQresultStatus(result.handle) != PGRES_TUPLES_OK || PQntuples(result.handle) < 1) {
    return error(ErrorCode::kUnavailable, "postgres: {}: {}", sql, PQerrorMessage(conn));
  }
  return std::string(PQgetvalue(result.handle, 0, 0));
}

double vm_hwm_mb(const std::string& pid) {
  std::ifstream in("/proc/" + pid + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("VmHWM:")) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

}  // namespace

Result<EngineResult> run_postgres(const BenchConfig& config) {
  Result<storage::TableCatalog> catalog = storage::load_tables_yaml(config.tables_yaml);
  if (!catalog.is_ok()) return catalog.status();
  const storage::TableSchema& tick = **catalog->find("tick");
  EngineResult result;
  result.engine = "postgres";
  test::PostgresOptions options;
  options.shared_buffers = "1GB";
  options.extra_config = {"max_wal_size = '4GB'", "work_mem = '256MB'"};
  test::PostgresServer server(options);
  MYSTOCKS_RETURN_IF_ERROR(server.start());
  Result<test::PgConnection> connection = server.connect();
  if (!connection.is_ok()) return connection.status();
  PGconn* conn = connection->get();
  result.notes = fmt::format("PostgreSQL {}, PK (symbol, ts), COPY per batch, shared_buffers 1GB; "
                             "memory = the backend's peak RSS",
                             PQserverVersion(conn));
  std::string create = "CREATE TABLE tick (";
  for (const storage::ColumnDef& column : tick.columns) {
    create += column.field.name + (column.field.type == ColumnType::kString ? " text NOT NULL, " : " bigint, ");
  }
  create += "PRIMARY KEY (symbol, ts))";
  MYSTOCKS_RETURN_IF_ERROR(exec(conn, create));
  Result<std::string> backend = scalar(conn, "SELECT pg_backend_pid()");
  if (!backend.is_ok()) return backend.status();

  TickGenerator generator(tick, config.shape);
  RecordBatch batch;
  std::string text;
  while (generator.next(batch)) {
    // Text COPY payload built outside the timed section, as a loader would stream it.
    text.clear();
    for (size_t row = 0; row < batch.num_rows(); ++row) {
      for (size_t column = 0; column < batch.num_columns(); ++column) {
        if (column > 0) text.push_back('\t');
        const Column& values = batch.column(column);
        if (values.values().index() == 4) {
          text += values.as<std::string>()[row];
        } else {
          text += std::to_string(values.as<int64_t>()[row]);
        }
      }
      text.push_back('\n');
    }
    Stopwatch write;
    MYSTOCKS_RETURN_IF_ERROR(exec(conn, "BEGIN"));
    PgResult copy{PQexec(conn, "COPY tick FROM STDIN")};
    if (PQresultStatus(copy.handle) != PGRES_COPY_IN) {
      return error(ErrorCode::kUnavailable, "postgres COPY: {}", PQerrorMessage(conn));
    }
    if (PQputCopyData(conn, text.data(), static_cast<int>(text.size())) != 1 || PQputCopyEnd(conn, nullptr) != 1) {
      return error(ErrorCode::kUnavailable, "postgres COPY data: {}", PQerrorMessage(conn));
    }
    PgResult done{PQgetResult(conn)};
    if (PQresultStatus(done.handle) != PGRES_COMMAND_OK) {
      return error(ErrorCode::kUnavailable, "postgres COPY end: {}", PQerrorMessage(conn));
    }
    while (PGresult* extra = PQgetResult(conn)) PQclear(extra);
    MYSTOCKS_RETURN_IF_ERROR(exec(conn, "COMMIT"));
    result.ingest_seconds += write.seconds();
    result.rows += static_cast<int64_t>(batch.num_rows());
  }
  result.raw_bytes = generator.raw_bytes();
  Stopwatch settle;
  MYSTOCKS_RETURN_IF_ERROR(exec(conn, "VACUUM ANALYZE tick"));
  result.settle_seconds = settle.seconds();
  Result<std::string> size = scalar(conn, "SELECT pg_total_relation_size('tick')");
  if (!size.is_ok()) return size.status();
  result.bytes_on_disk = std::stoll(*size);

  const int32_t day = trading_day(0);
  const int64_t day_start = snapshot_time(day, 0) - 30 * 60'000;
  const int64_t day_end = day_start + 8 * 3'600'000;
  std::string symbols = "{";
  for (int symbol = 0; symbol < config.shape.symbols; ++symbol) {
    symbols += (symbol ? "," : "") + symbol_name(symbol);
  }
  symbols += "}";
  const std::string latest_sql = fmt::format(
      "SELECT t.* FROM unnest('{}'::text[]) AS s(symbol) CROSS JOIN LATERAL "
      "(SELECT * FROM tick WHERE tick.symbol = s.symbol ORDER BY ts DESC LIMIT 1) AS t",
      symbols);
  const std::string resample_sql = fmt::format(
      "WITH g AS (SELECT symbol, ts / 60000 AS m, min(ts) AS t0, max(ts) AS t1, max(last) AS hi, "
      "min(last) AS lo, count(*) AS n FROM tick WHERE ts >= {0} AND ts < {1} GROUP BY symbol, m) "
      "SELECT g.symbol, g.m, o.last, g.hi, g.lo, c.last, c.volume, c.amount, g.n FROM g "
      "JOIN tick AS o ON o.symbol = g.symbol AND o.ts = g.t0 "
      "JOIN tick AS c ON c.symbol = g.symbol AND c.ts = g.t1 ORDER BY g.symbol, g.m",
      day_start, day_end);
  auto timed = [&](const std::string& sql, int64_t& rows, int64_t* checksum) -> Result<double> {
    Stopwatch time;
    PgResult res{PQexecParams(conn, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0)};
    if (PQresultStatus(res.handle) != PGRES_TUPLES_OK) {
      return error(ErrorCode::kUnavailable, "postgres query: {}", PQerrorMessage(conn));
    }
    rows = PQntuples(res.handle);
    // Materialise every value, as a client would.
    int64_t sum = 0;
    for (int row = 0; row < PQntuples(res.handle); ++row) {
      for (int column = 0; column < PQnfields(res.handle); ++column) {
        sum += std::atoll(PQgetvalue(res.handle, row, column));
      }
      if (checksum != nullptr) {
        for (int column : {2, 3, 4, 5, 8}) *checksum += std::atoll(PQgetvalue(res.handle, row, column));
      }
    }
    return time.millis() + (sum == 42 ? 0 : 0);
  };
  Result<double> first = timed(latest_sql, result.latest_rows, nullptr);
  if (!first.is_ok()) return first.status();
  result.latest_first_ms = *first;
  std::vector<double> scans, latests, resamples;
  for (int run = 0; run < config.query_runs; ++run) {
    const std::string scan_sql = fmt::format(
        "SELECT * FROM tick WHERE symbol = '{}' AND ts >= {} AND ts < {} ORDER BY ts",
        symbol_name((run * 7919) % config.shape.symbols), day_start, day_end);
    Result<double> scan = timed(scan_sql, result.scan_rows, nullptr);
    if (!scan.is_ok()) return scan.status();
    scans.push_back(*scan);
    Result<double> latest = timed(latest_sql, result.latest_rows, nullptr);
    if (!latest.is_ok()) return latest.status();
    latests.push_back(*latest);
  }
  const int resample_runs = std::max(3, config.query_runs / 5);
  for (int run = 0; run < resample_runs; ++run) {
    int64_t checksum = 0;
    Result<double> resample = timed(resample_sql, result.resample_rows, &checksum);
    if (!resample.is_ok()) return resample.status();
    resamples.push_back(*resample);
    result.resample_checksum = checksum;
  }
  result.scan_ms = median_ms(scans);
  result.scan_p90_ms = p90_ms(scans);
  result.latest_ms = median_ms(latests);
  result.resample_ms = median_ms(resamples);
  result.peak_rss_mb = vm_hwm_mb(*backend);
  return result;
}

}  // namespace mystocks::bench
