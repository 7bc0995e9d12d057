#include "storage/postgres/pg_connection.h"

#include "storage/postgres/pg_binary.h"

namespace mystocks::storage {
namespace {

// NOTICEs ("relation already exists, skipping") are expected; libpq would print them to stderr.
void ignore_notice(void*, const char*) {}

std::string trimmed(const char* message) {
  std::string text = message != nullptr ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

ErrorCode connect_failure_code(const std::string& message) {
  for (const char* permanent : {"authentication failed", "does not exist", "no pg_hba.conf entry",
                                "invalid connection option", "missing \"=\"", "password"}) {
    if (message.find(permanent) != std::string::npos) return ErrorCode::kFailedPrecondition;
  }
  return ErrorCode::kUnavailable;
}

}  // namespace

ErrorCode error_code_for_sqlstate(std::string_view state) {
  if (state.size() != 5) return ErrorCode::kInternal;
  const std::string_view klass = state.substr(0, 2);
  if (klass == "08" || state == "57P01" || state == "57P02" || state == "57P03") {
    return ErrorCode::kUnavailable;  // connection lost, server shutting down or starting up
  }
  if (state == "57014") return ErrorCode::kDeadlineExceeded;  // statement_timeout
  if (state == "40001" || state == "40P01") return ErrorCode::kAborted;
  if (klass == "53") return ErrorCode::kResourceExhausted;
  if (state == "23505") return ErrorCode::kAlreadyExists;
  if (state == "23502") return ErrorCode::kInvalidArgument;
  if (klass == "23") return ErrorCode::kFailedPrecondition;
  if (state == "22003") return ErrorCode::kOutOfRange;
  if (klass == "22") return ErrorCode::kInvalidArgument;
  if (state == "25006") return ErrorCode::kFailedPrecondition;  // write on a read-only replica
  if (state == "42P01" || state == "3D000") return ErrorCode::kFailedPrecondition;
  if (state == "42703" || state == "42804") return ErrorCode::kSchemaMismatch;
  return ErrorCode::kInternal;
}

Result<std::unique_ptr<PostgresConnection>> PostgresConnection::connect(
    const std::string& conninfo, const std::string& session_setup, int64_t created_ns) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (conn == nullptr) return error(ErrorCode::kResourceExhausted, "postgres: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    const std::string message = trimmed(PQerrorMessage(conn));
    PQfinish(conn);
    return Status(connect_failure_code(message), "postgres: cannot connect: " + message);
  }
  PQsetNoticeProcessor(conn, &ignore_notice, nullptr);
  std::unique_ptr<PostgresConnection> connection(new PostgresConnection(conn, created_ns));
  if (!session_setup.empty()) MYSTOCKS_RETURN_IF_ERROR(connection->execute(session_setup));
  return connection;
}

PostgresConnection::~PostgresConnection() { PQfinish(conn_); }

Status PostgresConnection::status_of(const PGresult* result, std::string_view context) const {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string message = trimmed(result != nullptr && PQresultErrorMessage(result)[0] != '\0'
                                          ? PQresultErrorMessage(result)
                                          : PQerrorMessage(conn_));
  if (is_broken()) {
    return Status(ErrorCode::kUnavailable,
                  fmt::format("postgres: connection lost while {}: {}", context, message));
  }
  const ErrorCode code = state != nullptr ? error_code_for_sqlstate(state) : ErrorCode::kInternal;
  return Status(code, fmt::format("postgres: {}: {}{}", context, message,
                                  state != nullptr ? fmt::format(" (SQLSTATE {})", state) : ""));
}

Status PostgresConnection::execute(const std::string& sql) {
  PgResult result(PQexec(conn_, sql.c_str()));
  const ExecStatusType status = PQresultStatus(result.get());
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return Status::ok();
  return status_of(result.get(), "running " + sql.substr(0, 80));
}

Result<PgResult> PostgresConnection::query(const std::string& sql,
                                           const std::vector<BoundValue>& params) {
  std::vector<Oid> types(params.size());
  std::vector<std::string> buffers(params.size());
  std::vector<const char*> values(params.size());
  std::vector<int> lengths(params.size());
  std::vector<int> formats(params.size(), 1);
  for (size_t index = 0; index < params.size(); ++index) {
    types[index] = pg::type_oid(params[index].type);
    pg::append_value(buffers[index], params[index]);
    values[index] = buffers[index].data();
    lengths[index] = static_cast<int>(buffers[index].size());
  }
  auto prepared = prepared_.find(sql);
  if (prepared == prepared_.end()) {
    if (prepared_.size() >= kPreparedStatements) {
      MYSTOCKS_RETURN_IF_ERROR(execute("DEALLOCATE ALL"));
      prepared_.clear();
    }
    const std::string name = fmt::format("mystocks_{}", next_statement_++);
    PgResult made(
        PQprepare(conn_, name.c_str(), sql.c_str(), static_cast<int>(params.size()), types.data()));
    if (PQresultStatus(made.get()) != PGRES_COMMAND_OK) {
      return status_of(made.get(), "preparing " + sql.substr(0, 80));
    }
    prepared = prepared_.emplace(sql, name).first;
  }
  PgResult result(PQexecPrepared(conn_, prepared->second.c_str(), static_cast<int>(params.size()),
                                 values.data(), lengths.data(), formats.data(), /*binary=*/1));
  const ExecStatusType status = PQresultStatus(result.get());
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;
  return status_of(result.get(), "running " + sql.substr(0, 80));
}

Status PostgresConnection::copy_in(const std::string& sql,
                                   const std::function<bool(std::string&)>& produce) {
  PgResult started(PQexec(conn_, sql.c_str()));
  if (PQresultStatus(started.get()) != PGRES_COPY_IN) {
    return status_of(started.get(), "starting " + sql.substr(0, 80));
  }
  std::string chunk;
  bool more = true;
  Status sent;
  while (more && sent.is_ok()) {
    chunk.clear();
    more = produce(chunk);
    if (!chunk.empty() && PQputCopyData(conn_, chunk.data(), static_cast<int>(chunk.size())) != 1) {
      sent = status_of(nullptr, "sending COPY data");
    }
  }
  // Ending the COPY (with an error message when sending failed) lets the server reply.
  if (PQputCopyEnd(conn_, sent.is_ok() ? nullptr : "client failed to send data") != 1 &&
      sent.is_ok()) {
    sent = status_of(nullptr, "ending COPY");
  }
  Status finished;
  while (PGresult* raw = PQgetResult(conn_)) {
    PgResult result(raw);
    if (PQresultStatus(raw) != PGRES_COMMAND_OK && finished.is_ok()) {
      finished = status_of(raw, "copying rows");
    }
  }
  return sent.is_ok() ? finished : sent;
}

bool PostgresConnection::ping() {
  PgResult result(PQexec(conn_, ""));
  return PQresultStatus(result.get()) == PGRES_EMPTY_QUERY;
}

}  // namespace mystocks::storage
