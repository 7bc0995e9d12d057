#include "storage/postgres/postgres_store.h"

#include <chrono>
#include <optional>
#include <thread>

#include "storage/relational/ddl.h"

namespace mystocks::storage {

struct PostgresStore::Metrics {
  explicit Metrics(MetricsRegistry& registry)
      : primary_reads(registry
                          .counter("mystocks_pg_reads_total",
                                   "Reads by the server that served them", {"server"})
                          .with({"primary"})),
        replica_reads(registry
                          .counter("mystocks_pg_reads_total",
                                   "Reads by the server that served them", {"server"})
                          .with({"replica"})),
        fallbacks(registry
                      .counter("mystocks_pg_replica_fallbacks_total",
                               "Reads sent to the primary because the replica failed")
                      .get()),
        reconnects(registry
                       .counter("mystocks_pg_reconnects_total",
                                "Requests re-run after losing the primary connection")
                       .get()),
        replica_healthy(
            registry.gauge("mystocks_pg_replica_healthy", "1 while reads may use the replica")
                .get()),
        direct_rows(upsert_rows(registry).with({"direct"})),
        merged_rows(upsert_rows(registry).with({"merge"})),
        rolled_back_rows(upsert_rows(registry).with({"direct_rolled_back"})) {}
  // Counted per statement, whether or not the caller's transaction commits: the work done, and
  // in `direct_rolled_back` the dead tuples a collided direct COPY may leave for vacuum.
  static Family<Counter>& upsert_rows(MetricsRegistry& registry) {
    return registry.counter("mystocks_pg_upsert_rows_total",
                            "Rows upserts sent, by path: direct COPY, staging merge, or a direct "
                            "COPY rolled back at a stored key",
                            {"path"});
  }
  Counter& primary_reads;
  Counter& replica_reads;
  Counter& fallbacks;
  Counter& reconnects;
  Gauge& replica_healthy;
  Counter& direct_rows;
  Counter& merged_rows;
  Counter& rolled_back_rows;
};

void PostgresStore::count_upsert_rows(UpsertPath path, size_t rows) {
  Counter& counter = path == UpsertPath::kDirect  ? metrics_->direct_rows
                     : path == UpsertPath::kMerge ? metrics_->merged_rows
                                                  : metrics_->rolled_back_rows;
  counter.inc(static_cast<double>(rows));
}

// The RelationalOps of a transaction: everything on its one primary connection.
class PostgresStore::Session final : public RelationalOps {
 public:
  Session(PostgresStore& store, PostgresConnection& connection)
      : store_(store), connection_(connection) {}

  Status upsert(const std::string& name, const RecordBatch& batch) override {
    Result<std::shared_ptr<const TableSchema>> table = store_.find_table(name);
    if (!table.is_ok()) return table.status();
    Result<BatchLayout> layout = layout_batch(**table, batch);
    if (!layout.is_ok()) return layout.status();
    return store_.write_batch(connection_, **table, *layout, batch, /*in_transaction=*/true);
  }
  Result<RecordBatch> query(const std::string& name, const RelationalQuery& query) override {
    Result<std::shared_ptr<const TableSchema>> table = store_.find_table(name);
    if (!table.is_ok()) return table.status();
    Result<SelectStatement> select =
        build_select(SqlDialect::kPostgres, **table, query, store_.options_.max_result_rows);
    if (!select.is_ok()) return select.status();
    return store_.run_select(connection_, *select, name);
  }
  Result<int64_t> count(const std::string& name, const std::vector<Filter>& filters) override {
    Result<std::shared_ptr<const TableSchema>> table = store_.find_table(name);
    if (!table.is_ok()) return table.status();
    Result<SqlStatement> sql = build_count(SqlDialect::kPostgres, **table, filters);
    if (!sql.is_ok()) return sql.status();
    return store_.run_count(connection_, *sql);
  }
  Result<int64_t> erase(const std::string& name, const std::vector<Filter>& filters) override {
    Result<std::shared_ptr<const TableSchema>> table = store_.find_table(name);
    if (!table.is_ok()) return table.status();
    Result<SqlStatement> sql = build_erase(SqlDialect::kPostgres, **table, filters);
    if (!sql.is_ok()) return sql.status();
    return store_.run_erase(connection_, *sql);
  }

 private:
  PostgresStore& store_;
  PostgresConnection& connection_;
};

namespace {

// The thread running a transaction body; a write through the store itself from that body would
// commit on another connection, outside the transaction, so it is refused.
thread_local const void* tls_transaction_store = nullptr;

Status reentrant_write(std::string_view what) {
  return error(ErrorCode::kFailedPrecondition,
               "{} called on the store inside its own transaction body; use the RelationalOps "
               "passed to the body",
               what);
}

}  // namespace

std::string describe_conninfo(const std::string& conninfo) {
  char* failure = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &failure);
  if (options == nullptr) {
    PQfreemem(failure);
    return "(unparsable connection string)";
  }
  std::string host = "localhost";
  std::string port = "5432";
  std::string dbname;
  for (PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
    if (option->val == nullptr || option->val[0] == '\0') continue;
    const std::string_view keyword = option->keyword;
    if (keyword == "host" || keyword == "hostaddr") host = option->val;
    if (keyword == "port") port = option->val;
    if (keyword == "dbname") dbname = option->val;
  }
  PQconninfoFree(options);
  return fmt::format("{}:{}/{}", host, port, dbname);
}

PostgresStore::PostgresStore(PostgresOptions options, const Clock& clock)
    : options_(std::move(options)), clock_(clock) {}

PostgresStore::~PostgresStore() = default;

Result<std::unique_ptr<PostgresStore>> PostgresStore::open(PostgresOptions options,
                                                           const Clock& clock) {
  if (options.primary_conninfo.empty()) {
    return field_error(ErrorCode::kInvalidConfig, "postgres.primary",
                       "postgres: no primary server is configured");
  }
  for (const std::string* conninfo : {&options.primary_conninfo, &options.replica_conninfo}) {
    if (conninfo->empty()) continue;
    char* failure = nullptr;
    PQconninfoOption* parsed = PQconninfoParse(conninfo->c_str(), &failure);
    if (parsed == nullptr) {
      std::string message = failure != nullptr ? failure : "unparsable";
      PQfreemem(failure);
      while (!message.empty() && message.back() == '\n') message.pop_back();
      return field_error(ErrorCode::kInvalidConfig, "postgres.dsn",
                         "postgres: the connection string is invalid: {}", message);
    }
    PQconninfoFree(parsed);
  }
  if (options.pool_size < 1 || options.max_overflow < 0 || options.max_result_rows < 1 ||
      options.copy_chunk_rows < 1) {
    return field_error(ErrorCode::kInvalidConfig, "postgres.pool_size",
                       "postgres: pool_size, max_result_rows and copy_chunk_rows must be >= 1 and "
                       "max_overflow >= 0");
  }
  std::unique_ptr<PostgresStore> store(new PostgresStore(std::move(options), clock));
  MetricsRegistry& registry =
      store->options_.metrics != nullptr ? *store->options_.metrics : MetricsRegistry::global();
  store->metrics_ = std::make_unique<Metrics>(registry);
  const PostgresOptions& o = store->options_;
  // application_name first so a dsn may override it; libpq keeps the last occurrence.
  auto pool_options = [&](const std::string& name, const std::string& conninfo) {
    return PgPoolOptions{
        .name = name,
        .conninfo = "application_name=mystocks " + conninfo,
        .session_setup = fmt::format("SET statement_timeout = {}", o.statement_timeout_ms),
        .pool_size = o.pool_size,
        .max_overflow = o.max_overflow,
        .pre_ping = o.pre_ping,
        .recycle_seconds = o.recycle_seconds,
        .acquire_timeout_ms = o.acquire_timeout_ms};
  };
  store->primary_ =
      std::make_unique<PgPool>(pool_options("primary", o.primary_conninfo), clock, registry);
  if (!o.replica_conninfo.empty()) {
    store->replica_ =
        std::make_unique<PgPool>(pool_options("replica", o.replica_conninfo), clock, registry);
  }
  store->mark_replica(store->replica_ != nullptr);
  return store;
}

std::string PostgresStore::describe() const {
  std::string text = "postgres primary " + describe_conninfo(options_.primary_conninfo);
  if (replica_ != nullptr) text += ", replica " + describe_conninfo(options_.replica_conninfo);
  return text;
}

Result<std::shared_ptr<const TableSchema>> PostgresStore::find_table(
    const std::string& name) const {
  std::shared_lock lock(tables_mutex_);
  auto it = tables_.find(name);
  if (it == tables_.end()) {
    return field_error(ErrorCode::kNotFound, "table",
                       "table '{}' is not known to the postgres store (ensure_table was not "
                       "called for it)",
                       name);
  }
  return it->second;
}

Status PostgresStore::on_primary(const Operation& op) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.reconnect_timeout_ms);
  std::chrono::milliseconds pause(25);
  while (true) {
    Status status;
    {
      Result<PgPool::Lease> lease = primary_->acquire();
      if (lease.is_ok()) {
        status = op(lease->connection());
        if (status.is_ok() || !lease->connection().is_broken()) return status;
        // The server went away under us; idle connections are from its previous life too.
        lease->discard();
        primary_->invalidate();
      } else {
        status = lease.status();
      }
    }
    if (status.code() != ErrorCode::kUnavailable) return status;
    if (std::chrono::steady_clock::now() + pause >= deadline) {
      return status.with_context(
          fmt::format("postgres primary unreachable for reconnect_timeout "
                      "{} ms",
                      options_.reconnect_timeout_ms));
    }
    metrics_->reconnects.inc();
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(1000));
  }
}

bool PostgresStore::replica_in_use() const {
  if (replica_ == nullptr) return false;
  const int64_t until = replica_down_until_ms_.load();
  return until == 0 || clock_.now_ms() >= until;
}

void PostgresStore::mark_replica(bool healthy) {
  replica_down_until_ms_.store(
      healthy ? 0 : clock_.now_ms() + std::max<int64_t>(options_.replica_retry_ms, 1));
  metrics_->replica_healthy.set(healthy ? 1 : 0);
}

Status PostgresStore::on_reader(bool from_primary, const Operation& op) {
  if (!from_primary && replica_in_use()) {
    Result<PgPool::Lease> lease = replica_->acquire();
    if (lease.is_ok()) {
      Status status = op(lease->connection());
      const bool broken = lease->connection().is_broken();
      const bool retryable =
          status.retry() == RetryClass::kRetryCall || status.retry() == RetryClass::kRetryHigher;
      if (status.is_ok() || (!broken && !retryable)) {
        if (replica_down_until_ms_.load() != 0) mark_replica(true);
        metrics_->replica_reads.inc();
        return status;
      }
      // A lost replica is left out for a while; a query cancelled by recovery conflicts (or
      // similar) just runs again on the primary.
      if (broken) {
        lease->discard();
        replica_->invalidate();
        mark_replica(false);
      }
    } else if (lease.status().code() != ErrorCode::kResourceExhausted) {
      mark_replica(false);  // cannot connect: down; merely busy is not down
    }
    metrics_->fallbacks.inc();
  }
  Status status = on_primary(op);
  if (status.is_ok()) metrics_->primary_reads.inc();
  return status;
}

Status PostgresStore::ensure_table(const TableSchema& table) {
  MYSTOCKS_RETURN_IF_ERROR(check_relational_table(table));
  if (tls_transaction_store == this) return reentrant_write("ensure_table");
  MYSTOCKS_RETURN_IF_ERROR(on_primary(
      [&](PostgresConnection& connection) { return apply_declaration(connection, table); }));
  std::unique_lock lock(tables_mutex_);
  tables_[table.name] = std::make_shared<const TableSchema>(table);
  return Status::ok();
}

Status PostgresStore::transaction(const std::function<Status(RelationalOps& ops)>& body) {
  if (tls_transaction_store == this) return reentrant_write("transaction");
  return on_primary([&](PostgresConnection& connection) {
    MYSTOCKS_RETURN_IF_ERROR(connection.execute("BEGIN"));
    Session session(*this, connection);
    tls_transaction_store = this;
    Status status = body(session);
    tls_transaction_store = nullptr;
    if (status.is_ok()) {
      status = connection.execute("COMMIT");
    } else if (!connection.is_broken()) {
      (void)connection.execute("ROLLBACK");
    }
    return status;
  });
}

Status PostgresStore::check_health() {
  return on_primary([](PostgresConnection& connection) {
    return connection.ping() ? Status::ok() : connection.status_of(nullptr, "checking health");
  });
}

Status PostgresStore::upsert(const std::string& name, const RecordBatch& batch) {
  if (tls_transaction_store == this) return reentrant_write("upsert");
  Result<std::shared_ptr<const TableSchema>> table = find_table(name);
  if (!table.is_ok()) return table.status();
  Result<BatchLayout> layout = layout_batch(**table, batch);
  if (!layout.is_ok()) return layout.status();
  if (batch.num_rows() == 0) return Status::ok();
  return on_primary([&](PostgresConnection& connection) {
    return write_batch(connection, **table, *layout, batch, /*in_transaction=*/false);
  });
}

Result<RecordBatch> PostgresStore::query(const std::string& name, const RelationalQuery& query) {
  Result<std::shared_ptr<const TableSchema>> table = find_table(name);
  if (!table.is_ok()) return table.status();
  Result<SelectStatement> select =
      build_select(SqlDialect::kPostgres, **table, query, options_.max_result_rows);
  if (!select.is_ok()) return select.status();
  std::optional<RecordBatch> rows;
  MYSTOCKS_RETURN_IF_ERROR(on_reader(query.from_primary, [&](PostgresConnection& connection) {
    Result<RecordBatch> result = run_select(connection, *select, name);
    if (!result.is_ok()) return result.status();
    rows = std::move(*result);
    return Status::ok();
  }));
  return std::move(*rows);
}

Result<RecordBatch> PostgresStore::summarize_series(const std::string& name,
                                                    const std::string& time_column,
                                                    const std::vector<Filter>& filters) {
  Result<std::shared_ptr<const TableSchema>> table = find_table(name);
  if (!table.is_ok()) return table.status();
  Result<SelectStatement> select = build_series_summary(SqlDialect::kPostgres, **table,
                                                        time_column, filters,
                                                        options_.max_result_rows);
  if (!select.is_ok()) return select.status();
  std::optional<RecordBatch> rows;
  MYSTOCKS_RETURN_IF_ERROR(on_reader(false, [&](PostgresConnection& connection) {
    Result<RecordBatch> result = run_select(connection, *select, name);
    if (!result.is_ok()) return result.status();
    rows = std::move(*result);
    return Status::ok();
  }));
  return std::move(*rows);
}

Result<int64_t> PostgresStore::count(const std::string& name, const std::vector<Filter>& filters) {
  Result<std::shared_ptr<const TableSchema>> table = find_table(name);
  if (!table.is_ok()) return table.status();
  Result<SqlStatement> sql = build_count(SqlDialect::kPostgres, **table, filters);
  if (!sql.is_ok()) return sql.status();
  int64_t rows = 0;
  MYSTOCKS_RETURN_IF_ERROR(on_reader(false, [&](PostgresConnection& connection) {
    Result<int64_t> result = run_count(connection, *sql);
    if (!result.is_ok()) return result.status();
    rows = *result;
    return Status::ok();
  }));
  return rows;
}

Result<int64_t> PostgresStore::erase(const std::string& name, const std::vector<Filter>& filters) {
  if (tls_transaction_store == this) return reentrant_write("erase");
  Result<std::shared_ptr<const TableSchema>> table = find_table(name);
  if (!table.is_ok()) return table.status();
  Result<SqlStatement> sql = build_erase(SqlDialect::kPostgres, **table, filters);
  if (!sql.is_ok()) return sql.status();
  int64_t rows = 0;
  MYSTOCKS_RETURN_IF_ERROR(on_primary([&](PostgresConnection& connection) {
    Result<int64_t> result = run_erase(connection, *sql);
    if (!result.is_ok()) return result.status();
    rows = *result;
    return Status::ok();
  }));
  return rows;
}

}  // namespace mystocks::storage
