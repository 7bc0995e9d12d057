// SqliteConnection: one sqlite3 handle with a bounded cache of prepared statements, and the
// mapping of SQLite result codes to MyStocks error codes (busy -> kUnavailable, constraint ->
// kAlreadyExists / kInvalidArgument, corrupt -> kDataLoss, ...).
// Thread-safety: none; the owner (SqliteStore) serialises use of each connection with a mutex.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace mystocks::storage {

// Finalizes a statement; used by unique_ptr.
struct SqliteStatementDeleter {
  void operator()(sqlite3_stmt* statement) const;
};
using SqliteStatementPtr = std::unique_ptr<sqlite3_stmt, SqliteStatementDeleter>;

class SqliteConnection {
 public:
  // Opens (creating when `create`) the database file in multi-thread mode, with a busy timeout
  // so writers of other processes are waited for instead of failing at once.
  static Result<std::unique_ptr<SqliteConnection>> open(const std::string& path, bool create,
                                                        int64_t busy_timeout_ms);
  ~SqliteConnection();
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  // Runs statements that return no rows we need (DDL, BEGIN, PRAGMA with ignored result).
  Status execute(std::string_view sql);
  // A prepared statement from the cache (prepared on first use), reset and with bindings clear.
  // The pointer stays valid until the next prepare() call that evicts it, so callers use it at
  // once. `context` names the caller in errors.
  Result<sqlite3_stmt*> prepare(const std::string& sql, std::string_view context);
  // The first column of the single row `sql` returns, as text (PRAGMA answers).
  Result<std::string> query_text(const std::string& sql);

  // A Status for a failed SQLite call, with SQLite's message for this connection.
  Status status_of(int rc, std::string_view context) const;

  sqlite3* handle() const { return db_; }

 private:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}

  // Prepared statements kept per connection; cleared when full (a process uses few shapes).
  static constexpr size_t kStatementCacheSize = 256;

  sqlite3* db_;
  std::unordered_map<std::string, SqliteStatementPtr> statements_;
};

}  // namespace mystocks::storage
