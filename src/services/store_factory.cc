#include "services/store_factory.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "core/endpoint.h"
#include "storage/postgres/postgres_store.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/tables_yaml.h"
#include "storage/tsdb/options.h"
#include "storage/tsdb/tsdb_store.h"

namespace mystocks::services {
namespace {

Result<std::unique_ptr<storage::RelationalStore>> open_sqlite(const Config& config,
                                                              const Clock& clock) {
  std::filesystem::path path = config.sqlite.path;
  if (path.is_relative()) path = std::filesystem::path(config.storage.data_dir) / path;
  std::error_code failure;
  std::filesystem::create_directories(path.parent_path(), failure);
  if (failure) {
    return field_error(ErrorCode::kIoError, "storage.data_dir", "cannot create {}: {}",
                       path.parent_path().string(), failure.message());
  }
  Result<std::unique_ptr<storage::SqliteStore>> store = storage::SqliteStore::open(
      {.path = path.string(),
       .synchronous = config.sqlite.synchronous,
       .busy_timeout_ms = config.sqlite.busy_timeout_ms,
       .read_connections = static_cast<int>(config.sqlite.read_connections),
       .max_result_rows = config.sqlite.max_result_rows},
      clock);
  if (!store.is_ok()) return store.status();
  return std::unique_ptr<storage::RelationalStore>(std::move(*store));
}

// "host=... port=... connect_timeout=... <dsn>": the dsn comes last so it may override.
Result<std::string> server_conninfo(const Config& config, const std::string& key,
                                    const std::string& address) {
  Result<Endpoint> endpoint = parse_endpoint(address);
  if (!endpoint.is_ok() || endpoint->port == 0) {
    return field_error(ErrorCode::kInvalidConfig, key,
                       "{}: {} '{}' is not host:port (for example 127.0.0.1:5432)", config.source,
                       key, address);
  }
  const int64_t timeout_s = (config.postgres.connect_timeout_ms + 999) / 1000;
  // Values quoted for libpq: a host may be an IPv6 literal.
  return fmt::format("host='{}' port={} connect_timeout={} {}", endpoint->host, endpoint->port,
                     std::max<int64_t>(timeout_s, 1), config.postgres.dsn);
}

Result<std::unique_ptr<storage::RelationalStore>> open_postgres(const Config& config,
                                                                const Clock& clock) {
  const PostgresConfig& pg = config.postgres;
  Result<std::string> primary = server_conninfo(config, "postgres.primary", pg.primary);
  if (!primary.is_ok()) return primary.status();
  std::string replica;
  if (!pg.replica.empty()) {
    Result<std::string> parsed = server_conninfo(config, "postgres.replica", pg.replica);
    if (!parsed.is_ok()) return parsed.status();
    replica = std::move(*parsed);
  }
  Result<std::unique_ptr<storage::PostgresStore>> store =
      storage::PostgresStore::open({.primary_conninfo = *primary,
                                    .replica_conninfo = replica,
                                    .pool_size = static_cast<int>(pg.pool_size),
                                    .max_overflow = static_cast<int>(pg.max_overflow),
                                    .pre_ping = pg.pre_ping,
                                    .recycle_seconds = pg.recycle_seconds,
                                    .acquire_timeout_ms = pg.acquire_timeout_ms,
                                    .statement_timeout_ms = pg.statement_timeout_ms,
                                    .replica_retry_ms = pg.replica_retry_ms,
                                    .reconnect_timeout_ms = pg.reconnect_timeout_ms,
                                    .max_result_rows = pg.max_result_rows},
                                   clock);
  if (!store.is_ok()) return store.status().with_context(config.source);
  return std::unique_ptr<storage::RelationalStore>(std::move(*store));
}

}  // namespace

Result<std::unique_ptr<storage::RelationalStore>> open_relational_store(const Config& config,
                                                                        const Clock& clock) {
  if (config.storage.relational == "sqlite") return open_sqlite(config, clock);
  if (config.storage.relational == "postgres") return open_postgres(config, clock);
  return field_error(ErrorCode::kInvalidConfig, "storage.relational",
                     "{}: storage.relational '{}' is not supported: expected sqlite or postgres",
                     config.source, config.storage.relational);
}

Result<std::unique_ptr<DataStores>> open_data_stores(const Config& config, const Clock& clock,
                                                     MetricsRegistry& metrics,
                                                     BreakerRegistry* breakers) {
  auto stores = std::make_unique<DataStores>();
  Result<storage::TableCatalog> catalog = storage::load_tables_yaml(config.storage.tables_file);
  if (!catalog.is_ok()) {
    return catalog.status().with_context(
        fmt::format("storage.tables_file '{}'", config.storage.tables_file));
  }
  stores->catalog = std::make_shared<const storage::TableCatalog>(std::move(*catalog));

  Result<tsdb::TsdbOptions> tsdb_options =
      tsdb::options_from_config(config.tsdb, config.storage.data_dir);
  if (!tsdb_options.is_ok()) return tsdb_options.status();
  tsdb_options->clock = &clock;
  tsdb_options->metrics = &metrics;
  Result<std::unique_ptr<tsdb::TsdbStore>> tsdb = tsdb::TsdbStore::open(std::move(*tsdb_options));
  if (!tsdb.is_ok()) return tsdb.status();
  stores->time_series = std::move(*tsdb);

  Result<std::unique_ptr<storage::RelationalStore>> relational = open_relational_store(config, clock);
  if (!relational.is_ok()) return relational.status();
  stores->relational = std::move(*relational);

  stores->data = std::make_unique<DataManager>(
      *stores->catalog, stores->time_series.get(), stores->relational.get(), clock,
      DataManagerOptions{.metrics = &metrics, .breakers = breakers});
  MYSTOCKS_RETURN_IF_ERROR(stores->data->open());
  return stores;
}

}  // namespace mystocks::services
