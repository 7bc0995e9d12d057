// PgConnection: a minimal RAII libpq connection for integration tests and for the PostgreSQL
// harness's own readiness checks. Not the product's PostgreSQL client; just enough to run SQL.
// Invariant: a live PgConnection holds a connection that reached CONNECTION_OK at open().
// Thread-safety: like a PGconn, one thread at a time; movable, not copyable.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace mystocks::test {

class PgConnection {
 public:
  // Connects with PQconnectdb; kUnavailable with libpq's message if the server does not answer.
  static Result<PgConnection> open(const std::string& conninfo);

  // Runs one or more statements that return no rows (or whose rows are ignored).
  Status execute(std::string_view sql);
  // The first column of the first row, as text ("" for NULL); kNotFound when there is no row.
  Result<std::string> query_scalar(std::string_view sql);
  // The identifier quoted for SQL ("my db" -> "\"my db\"").
  Result<std::string> quote_identifier(std::string_view identifier);

  // The raw handle, for tests that exercise libpq directly. Owned by this object.
  PGconn* get() const { return conn_.get(); }

 private:
  struct Finish {
    void operator()(PGconn* conn) const { PQfinish(conn); }
  };
  explicit PgConnection(PGconn* conn) : conn_(conn) {}

  std::unique_ptr<PGconn, Finish> conn_;
};

// Quotes a value for a libpq conninfo string: single quotes, with ' and \ backslash-escaped as
// libpq expects (SQL's doubled '' is not understood there).
std::string quote_conninfo_value(std::string_view value);

}  // namespace mystocks::test
