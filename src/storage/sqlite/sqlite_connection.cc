#include "storage/sqlite/sqlite_connection.h"

#include <sqlite3.h>

#include <mutex>

namespace mystocks::storage {
namespace {

ErrorCode code_for(int extended_rc) {
  switch (extended_rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return ErrorCode::kUnavailable;
    case SQLITE_CONSTRAINT:
      if (extended_rc == SQLITE_CONSTRAINT_UNIQUE || extended_rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return ErrorCode::kAlreadyExists;
      }
      return ErrorCode::kInvalidArgument;
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
    case SQLITE_RANGE:
      return ErrorCode::kInvalidArgument;
    case SQLITE_FULL:
    case SQLITE_NOMEM:
      return ErrorCode::kResourceExhausted;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
      return ErrorCode::kIoError;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return ErrorCode::kDataLoss;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return ErrorCode::kFailedPrecondition;
    case SQLITE_INTERRUPT:
      return ErrorCode::kCancelled;
    default:
      return ErrorCode::kInternal;
  }
}

}  // namespace

void SqliteStatementDeleter::operator()(sqlite3_stmt* statement) const {
  sqlite3_finalize(statement);
}

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::open(const std::string& path,
                                                                 bool create,
                                                                 int64_t busy_timeout_ms) {
  // Before SQLite initialises: no global memory statistics, so every sqlite3_malloc/free skips
  // a process-wide mutex (a few percent of a bulk load). Harmlessly refused (SQLITE_MISUSE) if
  // something else in the process initialised SQLite first.
  static std::once_flag configured;
  std::call_once(configured, [] { (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  sqlite3* db = nullptr;
  // NOMUTEX: each connection is used by one thread at a time (the store's mutexes ensure it).
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (create) flags |= SQLITE_OPEN_CREATE;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status status(code_for(sqlite3_extended_errcode(db)),
                  fmt::format("sqlite: cannot open '{}': {}", path,
                              db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
    sqlite3_close_v2(db);
    return status;
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, static_cast<int>(busy_timeout_ms));
  return std::unique_ptr<SqliteConnection>(new SqliteConnection(db));
}

SqliteConnection::~SqliteConnection() {
  statements_.clear();  // finalize before close, or close_v2 defers until they are
  sqlite3_close_v2(db_);
}

Status SqliteConnection::execute(std::string_view sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return Status::ok();
  Status status(code_for(sqlite3_extended_errcode(db_)),
                fmt::format("sqlite: {} (while running: {})",
                            message != nullptr ? message : sqlite3_errstr(rc), sql));
  sqlite3_free(message);
  return status;
}

Result<sqlite3_stmt*> SqliteConnection::prepare(const std::string& sql, std::string_view context) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) {
    sqlite3_reset(it->second.get());
    sqlite3_clear_bindings(it->second.get());
    return it->second.get();
  }
  if (statements_.size() >= kStatementCacheSize) statements_.clear();
  sqlite3_stmt* statement = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
  if (rc != SQLITE_OK) return status_of(rc, context);
  statements_.emplace(sql, SqliteStatementPtr(statement));
  return statement;
}

Result<std::string> SqliteConnection::query_text(const std::string& sql) {
  Result<sqlite3_stmt*> statement = prepare(sql, sql);
  if (!statement.is_ok()) return statement.status();
  const int rc = sqlite3_step(*statement);
  if (rc != SQLITE_ROW) {
    return rc == SQLITE_DONE ? error(ErrorCode::kNotFound, "sqlite: '{}' returned no row", sql)
                             : status_of(rc, sql);
  }
  const unsigned char* text = sqlite3_column_text(*statement, 0);
  std::string value = text != nullptr ? reinterpret_cast<const char*>(text) : "";
  sqlite3_reset(*statement);
  return value;
}

Status SqliteConnection::status_of(int rc, std::string_view context) const {
  const int extended = sqlite3_extended_errcode(db_);
  return Status(code_for(extended != SQLITE_OK ? extended : rc),
                fmt::format("sqlite: {}: {}", context, sqlite3_errmsg(db_)));
}

}  // namespace mystocks::storage
