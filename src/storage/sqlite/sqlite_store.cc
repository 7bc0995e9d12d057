#include "storage/sqlite/sqlite_store.h"

#include <thread>

#include <sqlite3.h>

#include "storage/relational/batch_layout.h"
#include "storage/relational/ddl.h"
#include "storage/relational/statement_builder.h"
#include "storage/sqlite/sqlite_connection.h"
#include "storage/sqlite/sqlite_rows.h"

namespace mystocks::storage {

// The RelationalOps of one connection: the writer (upserts, erases, transactions) or a reader
// (queries). Inside a transaction, writes use a savepoint so a failed upsert leaves the
// transaction as it was before the call.
class SqliteStore::Session final : public RelationalOps {
 public:
  Session(SqliteStore& store, SqliteConnection& connection, bool in_transaction)
      : store_(store), connection_(connection), in_transaction_(in_transaction) {}

  Status upsert(const std::string& name, const RecordBatch& batch) override {
    Result<std::shared_ptr<const TableSchema>> table = store_.find_table(name);
    if (!table.is_ok()) return table.status();
    Result<BatchLayout> layout = layout_batch(**table, batch);
    if (!layout.is_ok()) return layout.status();
    if (batch.num_rows() == 0) return Status::ok();
    MYSTOCKS_RETURN_IF_ERROR(
        connection_.execute(in_transaction_ ? "SAVEPOINT mystocks_upsert" : "BEGIN IMMEDIATE"));
    Status written = write_rows(**table, *layout, batch);
    if (in_transaction_) {
      if (!written.is_ok()) (void)connection_.execute("ROLLBACK TO mystocks_upsert");
      Status released = connection_.execute("RELEASE mystocks_upsert");
      return written.is_ok() ? released : written;
    }
    if (written.is_ok()) written = connection_.execute("COMMIT");
    if (!written.is_ok()) (void)connection_.execute("ROLLBACK");
    return written;
  }

  Result<RecordBatch> query(const std::string& name, const RelationalQuery& query) override {
    Result<std::shared_ptr<const TableSchema>> table = store_.find_table(name);
    if (!table.is_ok()) return table.status();
    Result<SelectStatement> select =
        build_select(SqlDialect::kSqlite, **table, query, store_.options_.max_result_rows);
    if (!select.is_ok()) return select.status();
    Result<sqlite3_stmt*> statement = connection_.prepare(select->sql.text, "query " + name);
    if (!statement.is_ok()) return statement.status();
    bind_params(*statement, select->sql.params);
    return read_rows(connection_, *statement, select->fields, name, select->max_rows);
  }

  Result<RecordBatch> summarize(const std::string& name, const std::string& time_column,
                                const std::vector<Filter>& filters) {
    Result<std::shared_ptr<const TableSchema>> table = store_.find_table(name);
    if (!table.is_ok()) return table.status();
    Result<SelectStatement> select = build_series_summary(
        SqlDialect::kSqlite, **table, time_column, filters, store_.options_.max_result_rows);
    if (!select.is_ok()) return select.status();
    Result<sqlite3_stmt*> statement = connection_.prepare(select->sql.text, "summarise " + name);
    if (!statement.is_ok()) return statement.status();
    bind_params(*statement, select->sql.params);
    return read_rows(connection_, *statement, select->fields, name, select->max_rows);
  }

  Result<int64_t> count(const std::string& name, const std::vector<Filter>& filters) override {
    Result<std::shared_ptr<const TableSchema>> table = store_.find_table(name);
    if (!table.is_ok()) return table.status();
    Result<SqlStatement> sql = build_count(SqlDialect::kSqlite, **table, filters);
    if (!sql.is_ok()) return sql.status();
    Result<sqlite3_stmt*> statement = connection_.prepare(sql->text, "count " + name);
    if (!statement.is_ok()) return statement.status();
    bind_params(*statement, sql->params);
    const int rc = sqlite3_step(*statement);
    if (rc != SQLITE_ROW) return connection_.status_of(rc, "count " + name);
    const int64_t rows = sqlite3_column_int64(*statement, 0);
    sqlite3_reset(*statement);
    return rows;
  }

  Result<int64_t> erase(const std::string& name, const std::vector<Filter>& filters) override {
    Result<std::shared_ptr<const TableSchema>> table = store_.find_table(name);
    if (!table.is_ok()) return table.status();
    Result<SqlStatement> sql = build_erase(SqlDialect::kSqlite, **table, filters);
    if (!sql.is_ok()) return sql.status();
    Result<sqlite3_stmt*> statement = connection_.prepare(sql->text, "erase from " + name);
    if (!statement.is_ok()) return statement.status();
    bind_params(*statement, sql->params);
    const int rc = sqlite3_step(*statement);  // one statement: atomic even outside a transaction
    sqlite3_reset(*statement);
    if (rc != SQLITE_DONE) return connection_.status_of(rc, "erase from " + name);
    return static_cast<int64_t>(sqlite3_changes64(connection_.handle()));
  }

 private:
  // One execution per row of a prepared single-row INSERT: measured faster than multi-row
  // VALUES statements, which defeat SQLite's append optimisation for rows arriving in key order.
  Status write_rows(const TableSchema& table, const BatchLayout& layout, const RecordBatch& batch) {
    Result<sqlite3_stmt*> statement = connection_.prepare(
        build_upsert(SqlDialect::kSqlite, table, layout), "upsert into " + table.name);
    if (!statement.is_ok()) return statement.status();
    const SqliteRowBinder binder(batch);
    for (size_t row = 0; row < batch.num_rows(); ++row) {
      binder.bind(*statement, row);
      const int rc = sqlite3_step(*statement);
      sqlite3_reset(*statement);
      if (rc != SQLITE_DONE) {
        return connection_.status_of(rc, fmt::format("upsert into {} row {}", table.name, row));
      }
    }
    return Status::ok();
  }

  SqliteStore& store_;
  SqliteConnection& connection_;
  bool in_transaction_;
};

namespace {

// The thread running a transaction body holds the writer; a direct write from that body would
// wait for itself forever, so it is refused instead.
thread_local const void* tls_transaction_store = nullptr;

Status reentrant_write(std::string_view what) {
  return error(ErrorCode::kFailedPrecondition,
               "{} called on the store inside its own transaction body; use the RelationalOps "
               "passed to the body",
               what);
}

}  // namespace

SqliteStore::SqliteStore(SqliteOptions options, const Clock& clock)
    : options_(std::move(options)), clock_(clock) {}

SqliteStore::~SqliteStore() = default;

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(SqliteOptions options, const Clock& clock) {
  if (options.path.empty()) {
    return field_error(ErrorCode::kInvalidConfig, "sqlite.path",
                       "sqlite: the database path is empty");
  }
  if (options.synchronous != "normal" && options.synchronous != "full") {
    return field_error(ErrorCode::kInvalidConfig, "sqlite.synchronous",
                       "sqlite: synchronous '{}' is not normal or full", options.synchronous);
  }
  if (options.read_connections < 1 || options.max_result_rows < 1) {
    return field_error(ErrorCode::kInvalidConfig, "sqlite.read_connections",
                       "sqlite: read_connections and max_result_rows must be >= 1");
  }
  std::unique_ptr<SqliteStore> store(new SqliteStore(std::move(options), clock));
  MYSTOCKS_RETURN_IF_ERROR(store->open_connections());
  return store;
}

Status SqliteStore::open_connections() {
  Result<std::unique_ptr<SqliteConnection>> writer =
      SqliteConnection::open(options_.path, /*create=*/true, options_.busy_timeout_ms);
  if (!writer.is_ok()) return writer.status();
  writer_.connection = std::move(*writer);
  Result<std::string> mode = writer_.connection->query_text("PRAGMA journal_mode=WAL");
  if (!mode.is_ok()) return mode.status();
  if (*mode != "wal") {
    return error(ErrorCode::kFailedPrecondition,
                 "sqlite: '{}' could not switch to WAL mode (journal_mode is '{}'); the file "
                 "system may not support shared memory",
                 options_.path, *mode);
  }
  MYSTOCKS_RETURN_IF_ERROR(writer_.connection->execute(
      fmt::format("PRAGMA synchronous={}; PRAGMA cache_size=-{}; PRAGMA foreign_keys=OFF",
                  options_.synchronous == "full" ? "FULL" : "NORMAL", options_.writer_cache_kib)));
  const std::string cache = fmt::format("PRAGMA cache_size=-{}", options_.reader_cache_kib);
  for (int index = 0; index < options_.read_connections; ++index) {
    Result<std::unique_ptr<SqliteConnection>> reader =
        SqliteConnection::open(options_.path, /*create=*/false, options_.busy_timeout_ms);
    if (!reader.is_ok()) return reader.status();
    MYSTOCKS_RETURN_IF_ERROR((*reader)->execute("PRAGMA query_only=ON; " + cache));
    auto slot = std::make_unique<Slot>();
    slot->connection = std::move(*reader);
    readers_.push_back(std::move(slot));
  }
  return Status::ok();
}

std::string SqliteStore::describe() const {
  return fmt::format("sqlite {} (WAL, synchronous={})", options_.path, options_.synchronous);
}

Result<std::shared_ptr<const TableSchema>> SqliteStore::find_table(const std::string& name) const {
  std::shared_lock lock(tables_mutex_);
  auto it = tables_.find(name);
  if (it == tables_.end()) {
    return field_error(ErrorCode::kNotFound, "table",
                       "table '{}' is not known to the sqlite store (ensure_table was not called "
                       "for it)",
                       name);
  }
  return it->second;
}

std::unique_lock<std::mutex> SqliteStore::lock_reader(Slot*& slot) {
  const size_t start = next_reader_.fetch_add(1, std::memory_order_relaxed);
  for (size_t step = 0; step < readers_.size(); ++step) {
    Slot& candidate = *readers_[(start + step) % readers_.size()];
    std::unique_lock lock(candidate.mutex, std::try_to_lock);
    if (lock.owns_lock()) {
      slot = &candidate;
      return lock;
    }
  }
  slot = readers_[start % readers_.size()].get();
  return std::unique_lock(slot->mutex);
}

Status SqliteStore::ensure_table(const TableSchema& table) {
  MYSTOCKS_RETURN_IF_ERROR(check_relational_table(table));
  if (tls_transaction_store == this) return reentrant_write("ensure_table");
  {
    std::lock_guard lock(writer_.mutex);
    MYSTOCKS_RETURN_IF_ERROR(apply_declaration(table));
  }
  std::unique_lock lock(tables_mutex_);
  tables_[table.name] = std::make_shared<const TableSchema>(table);
  return Status::ok();
}

Result<int64_t> SqliteStore::schema_version(const std::string& table) {
  Result<std::shared_ptr<const TableSchema>> known = find_table(table);
  if (!known.is_ok()) return known.status();
  Slot* slot = nullptr;
  std::unique_lock lock = lock_reader(slot);
  Result<sqlite3_stmt*> statement = slot->connection->prepare(
      "SELECT version FROM " + quote_identifier(kSchemaVersionTable) + " WHERE table_name = ?",
      "schema version");
  if (!statement.is_ok()) return statement.status();
  sqlite3_bind_text(*statement, 1, table.c_str(), -1, SQLITE_TRANSIENT);
  const int rc = sqlite3_step(*statement);
  const int64_t version = rc == SQLITE_ROW ? sqlite3_column_int64(*statement, 0) : 0;
  sqlite3_reset(*statement);
  if (rc != SQLITE_ROW) return slot->connection->status_of(rc, "schema version of " + table);
  return version;
}

Status SqliteStore::transaction(const std::function<Status(RelationalOps& ops)>& body) {
  if (tls_transaction_store == this) return reentrant_write("transaction");
  std::lock_guard lock(writer_.mutex);
  MYSTOCKS_RETURN_IF_ERROR(writer_.connection->execute("BEGIN IMMEDIATE"));
  Session session(*this, *writer_.connection, /*in_transaction=*/true);
  tls_transaction_store = this;
  Status result = body(session);
  tls_transaction_store = nullptr;
  if (result.is_ok()) result = writer_.connection->execute("COMMIT");
  if (!result.is_ok()) (void)writer_.connection->execute("ROLLBACK");
  return result;
}

Status SqliteStore::check_health() {
  Slot* slot = nullptr;
  std::unique_lock lock = lock_reader(slot);
  Result<std::string> answer = slot->connection->query_text("SELECT 1");
  return answer.is_ok() ? Status::ok() : answer.status();
}

Status SqliteStore::upsert(const std::string& table, const RecordBatch& batch) {
  if (tls_transaction_store == this) return reentrant_write("upsert");
  std::lock_guard lock(writer_.mutex);
  return Session(*this, *writer_.connection, false).upsert(table, batch);
}

Result<RecordBatch> SqliteStore::query(const std::string& table, const RelationalQuery& query) {
  Slot* slot = nullptr;
  std::unique_lock lock = lock_reader(slot);
  return Session(*this, *slot->connection, false).query(table, query);
}

Result<int64_t> SqliteStore::count(const std::string& table, const std::vector<Filter>& filters) {
  Slot* slot = nullptr;
  std::unique_lock lock = lock_reader(slot);
  return Session(*this, *slot->connection, false).count(table, filters);
}

Result<int64_t> SqliteStore::erase(const std::string& table, const std::vector<Filter>& filters) {
  if (tls_transaction_store == this) return reentrant_write("erase");
  std::lock_guard lock(writer_.mutex);
  return Session(*this, *writer_.connection, false).erase(table, filters);
}

Result<RecordBatch> SqliteStore::summarize_series(const std::string& table,
                                                  const std::string& time_column,
                                                  const std::vector<Filter>& filters) {
  Slot* slot = nullptr;
  std::unique_lock lock = lock_reader(slot);
  return Session(*this, *slot->connection, false).summarize(table, time_column, filters);
}

}  // namespace mystocks::storage
