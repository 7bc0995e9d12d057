// PostgresConnection: one libpq connection as the pool hands it out, with the only ways
// MyStocks talks to PostgreSQL: utility statements, parameterised statements in binary format,
// and COPY FROM STDIN. Maps SQLSTATEs to MyStocks error codes; a lost connection is always
// kUnavailable and is_broken() then tells the pool to throw the connection away.
// Thread-safety: none; one thread uses a connection at a time (the pool's lease ensures it).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <libpq-fe.h>

#include "core/status.h"
#include "storage/relational/statement_builder.h"

namespace mystocks::storage {

struct PgResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using PgResult = std::unique_ptr<PGresult, PgResultDeleter>;

class PostgresConnection {
 public:
  // Connects (blocking, bounded by the conninfo's connect_timeout) and runs `session_setup`.
  // Connection failures are kUnavailable, except those retrying cannot fix (authentication,
  // a missing database or role), which are kFailedPrecondition.
  static Result<std::unique_ptr<PostgresConnection>> connect(const std::string& conninfo,
                                                             const std::string& session_setup,
                                                             int64_t created_ns);
  ~PostgresConnection();
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  // One or more statements without parameters (DDL, BEGIN/COMMIT, SET).
  Status execute(const std::string& sql);
  // A statement with binary parameters typed by their columns; rows come back in binary. Each
  // distinct statement text is prepared once per connection (parse and plan once; measured
  // about a third of a one-symbol-one-year read), at most kPreparedStatements of them.
  Result<PgResult> query(const std::string& sql, const std::vector<BoundValue>& params);
  // COPY ... FROM STDIN: `produce` appends the next chunk of COPY data to its argument and
  // returns false when there is nothing more. Each chunk is sent as it is produced.
  Status copy_in(const std::string& sql, const std::function<bool(std::string&)>& produce);
  // A round trip proving the connection works (pre-ping).
  bool ping();

  // True once the connection is lost: the pool must discard it.
  bool is_broken() const { return PQstatus(conn_) != CONNECTION_OK; }
  int64_t created_ns() const { return created_ns_; }
  // Which invalidation round of its pool the connection belongs to (set by PgPool).
  uint64_t generation = 0;

  // The error of a failed command as a Status; `context` says what was being done.
  Status status_of(const PGresult* result, std::string_view context) const;

 private:
  PostgresConnection(PGconn* conn, int64_t created_ns) : conn_(conn), created_ns_(created_ns) {}

  static constexpr size_t kPreparedStatements = 256;

  PGconn* conn_;
  int64_t created_ns_;
  std::unordered_map<std::string, std::string> prepared_;  // statement text -> name
  uint64_t next_statement_ = 0;
};

// The MyStocks code for a SQLSTATE (exposed for tests).
ErrorCode error_code_for_sqlstate(std::string_view sqlstate);

}  // namespace mystocks::storage
