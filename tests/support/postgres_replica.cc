// PostgresServer's streaming-replication half: building a hot standby from a running primary and
// waiting for it to catch up. Lifecycle (start/stop/restart/kill) lives in postgres_server.cc.
#include <string>

#include "support/deadline.h"
#include "support/postgres_server.h"

namespace mystocks::test {

Status PostgresServer::start_replica_of(const PostgresServer& primary) {
  if (running_ || root_.has_value()) {
    return error(ErrorCode::kFailedPrecondition,
                 "PostgresServer already holds a cluster in {}; a replica needs a fresh object",
                 root_dir().string());
  }
  if (!primary.is_running()) {
    return error(ErrorCode::kFailedPrecondition,
                 "primary on port {} is not running; start it before its replica", primary.port());
  }
  MYSTOCKS_RETURN_IF_ERROR(prepare_root());
  is_replica_ = true;
  // -R writes standby.signal and primary_conninfo; -X stream copies the WAL written during the
  // backup; -c fast starts with an immediate checkpoint instead of waiting for a scheduled one.
  // The copy includes the primary's pg_hba.conf and the harness include, which
  // start_on_free_port rewrites with this server's own port and socket directory.
  MYSTOCKS_RETURN_IF_ERROR(run_tool(
      "pg_basebackup",
      {"-D", data_dir().string(), "-h", primary.host(), "-p", std::to_string(primary.port()), "-U",
       "postgres", "-R", "-X", "stream", "-c", "fast", "--no-sync"}));
  return start_on_free_port();
}

Status PostgresServer::wait_for_replay(const PostgresServer& primary,
                                       std::chrono::milliseconds timeout) const {
  if (!is_replica_) {
    return error(ErrorCode::kFailedPrecondition,
                 "PostgreSQL on port {} is not a replica; nothing to replay", port_);
  }
  Result<PgConnection> primary_connection = primary.connect();
  if (!primary_connection.is_ok()) return primary_connection.status();
  Result<std::string> target = primary_connection->query_scalar("SELECT pg_current_wal_lsn()");
  if (!target.is_ok()) return target.status();

  Result<PgConnection> connection = connect();
  if (!connection.is_ok()) return connection.status();
  const std::string caught_up_sql =
      fmt::format("SELECT coalesce(pg_last_wal_replay_lsn() >= '{}'::pg_lsn, false)", *target);
  Status last_failure;
  const bool caught_up = poll_until(timeout, [&] {
    Result<std::string> done = connection->query_scalar(caught_up_sql);
    last_failure = done.status();
    return done.is_ok() && *done == "t";
  });
  if (caught_up) return Status::ok();
  Result<std::string> replayed = connection->query_scalar("SELECT pg_last_wal_replay_lsn()");
  return with_log(error(ErrorCode::kDeadlineExceeded,
                        "replica on port {} has not replayed up to {} within {} ms (at {}){}",
                        port_, *target, timeout.count(),
                        replayed.is_ok() ? *replayed : replayed.status().message(),
                        last_failure.is_ok() ? "" : "; " + last_failure.message()));
}

}  // namespace mystocks::test
