#include "support/pg_connection.h"

#include <string>

namespace mystocks::test {
namespace {

struct ClearResult {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ClearResult>;

// libpq messages end with a newline; trimmed so they read well inside a Status.
std::string trimmed(const char* message) {
  std::string text = message == nullptr ? "" : message;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

Result<PgConnection> PgConnection::open(const std::string& conninfo) {
  PgConnection connection(PQconnectdb(conninfo.c_str()));
  if (connection.get() == nullptr) {
    return error(ErrorCode::kResourceExhausted, "libpq could not allocate a connection");
  }
  if (PQstatus(connection.get()) != CONNECTION_OK) {
    return error(ErrorCode::kUnavailable, "connecting to PostgreSQL ({}) failed: {}", conninfo,
                 trimmed(PQerrorMessage(connection.get())));
  }
  return connection;
}

Status PgConnection::execute(std::string_view sql) {
  const std::string statement(sql);
  ResultPtr result(PQexec(conn_.get(), statement.c_str()));
  const ExecStatusType state = PQresultStatus(result.get());
  if (state != PGRES_COMMAND_OK && state != PGRES_TUPLES_OK) {
    return error(ErrorCode::kUnavailable, "'{}' failed: {}", statement,
                 trimmed(PQerrorMessage(conn_.get())));
  }
  return Status::ok();
}

Result<std::string> PgConnection::query_scalar(std::string_view sql) {
  const std::string statement(sql);
  ResultPtr result(PQexec(conn_.get(), statement.c_str()));
  if (PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
    return error(ErrorCode::kUnavailable, "'{}' failed: {}", statement,
                 trimmed(PQerrorMessage(conn_.get())));
  }
  if (PQntuples(result.get()) == 0 || PQnfields(result.get()) == 0) {
    return error(ErrorCode::kNotFound, "'{}' returned no row", statement);
  }
  return std::string(PQgetvalue(result.get(), 0, 0));
}

Result<std::string> PgConnection::quote_identifier(std::string_view identifier) {
  char* quoted = PQescapeIdentifier(conn_.get(), identifier.data(), identifier.size());
  if (quoted == nullptr) {
    return error(ErrorCode::kInvalidArgument, "cannot quote identifier '{}': {}", identifier,
                 trimmed(PQerrorMessage(conn_.get())));
  }
  std::string text(quoted);
  PQfreemem(quoted);
  return text;
}

std::string quote_conninfo_value(std::string_view value) {
  std::string quoted = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') quoted += '\\';
    quoted += c;
  }
  quoted += '\'';
  return quoted;
}

}  // namespace mystocks::test
