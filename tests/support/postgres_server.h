// PostgresServer: a private PostgreSQL cluster for integration tests. initdb in a temporary
// directory, pg_ctl start on a free loopback port, ready once a libpq connection succeeds; or a
// streaming replica of another PostgresServer (pg_basebackup -R). Run as root, every PostgreSQL
// binary goes through `runuser -u postgres --` and the directory belongs to `postgres`.
// Invariants: the port is chosen once and kept across stop/restart/kill; the destructor always
// stops the server and removes its directory, whatever state a failed test left it in.
// Thread-safety: one test thread drives an instance. Const accessors may be called from other
// threads while no start/stop/restart/kill/create_database call is running.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "support/child_process.h"
#include "support/pg_connection.h"
#include "support/temp_dir.h"

namespace mystocks::test {

struct PostgresOptions {
  // Directory of initdb, pg_ctl, postgres and pg_basebackup. Default (empty):
  // /usr/lib/postgresql/15/bin, else the newest version under /usr/lib/postgresql. Fixed at start.
  std::filesystem::path bin_dir;
  // Limit for each initdb, pg_basebackup and pg_ctl call, and for the first connection after a
  // start. Default 60 s.
  std::chrono::seconds timeout{60};
  // shared_buffers. Default "16MB": tests hold little data and a primary + replica pair should
  // stay cheap on a two-core machine.
  std::string shared_buffers = "16MB";
  // Lines appended verbatim to the server configuration (e.g. "log_statement = 'all'").
  // Default none. Read at every start, so changes made before restart() take effect.
  std::vector<std::string> extra_config;
};

class PostgresServer {
 public:
  explicit PostgresServer(PostgresOptions options = {});
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // Creates a fresh cluster that accepts replication connections from 127.0.0.1 and starts it.
  Status start();
  // Creates this server as a hot-standby streaming replica of a running primary and starts it;
  // returns once it accepts read-only connections and pg_is_in_recovery() is true.
  Status start_replica_of(const PostgresServer& primary);
  // Waits until this replica has replayed the primary's WAL up to the primary's current
  // position at the time of the call. kFailedPrecondition if this server is not a replica.
  Status wait_for_replay(const PostgresServer& primary,
                         std::chrono::milliseconds timeout = std::chrono::seconds(30)) const;

  // Clean shutdown (pg_ctl stop -m fast). A no-op if not running (also if the postmaster died).
  Status stop();
  // pg_ctl restart (or start, after stop/kill) on the same port and data; waits until ready.
  Status restart();
  // Immediate shutdown (pg_ctl stop -m immediate): no checkpoint, so the next start runs crash
  // recovery, as after a crash of the server process.
  Status kill();

  // CREATE DATABASE on the running server.
  Status create_database(std::string_view name);
  // A new libpq connection to `dbname` as the superuser "postgres".
  Result<PgConnection> connect(std::string_view dbname = "postgres") const;

  // True while this object's postmaster runs; false after stop/kill, or if it died otherwise.
  bool is_running() const { return running_ && postmaster_alive(); }
  bool is_replica() const { return is_replica_; }
  int port() const { return port_; }
  std::string host() const { return "127.0.0.1"; }
  // "host=127.0.0.1 port=N user=postgres dbname='...' ..." for PQconnectdb.
  std::string connection_string(std::string_view dbname = "postgres") const;
  // The temporary directory holding the cluster, its log and its socket; removed by the destructor.
  std::filesystem::path root_dir() const;
  std::filesystem::path data_dir() const;
  std::filesystem::path log_file() const;
  // The postmaster's pid from postmaster.pid, while the server runs.
  std::optional<pid_t> postmaster_pid() const;
  // The last lines of the server log, for failure messages.
  std::string log_tail(std::size_t max_lines = 40) const;

 private:
  bool postmaster_alive() const;
  Status prepare_root();
  Command tool_command(std::string_view tool, std::vector<std::string> args) const;
  // Runs a PostgreSQL tool; a non-zero exit becomes kUnavailable naming the tool and its output.
  Status run_tool(std::string_view tool, std::vector<std::string> args);
  Status write_initial_config() const;
  Status write_server_config() const;
  // Picks a port, writes it into the config and starts; retries with another port if one was
  // taken between pick_free_port and the postmaster's bind.
  Status start_on_free_port();
  Status pg_ctl_start();
  Status pg_ctl_stop(std::string_view mode);
  // stop() and kill(): pg_ctl stop in `mode`, then waits for the postmaster to be gone.
  Status shut_down(std::string_view mode);
  // The destructor's half: stops any postmaster of this cluster, by SIGKILL if pg_ctl fails.
  void stop_whatever_runs();
  Status wait_until_ready();
  Status wait_until_gone(pid_t pid);
  // Appends the log tail to a failure so the cause is in the test output.
  Status with_log(const Status& status) const;

  PostgresOptions options_;
  std::filesystem::path bin_dir_;
  std::optional<TempDir> root_;
  int port_ = 0;
  bool running_ = false;
  bool is_replica_ = false;
};

// The directory of the PostgreSQL binaries: 15 if installed, else the newest version found.
Result<std::filesystem::path> find_postgres_bin_dir();

}  // namespace mystocks::test
