#include "support/postgres_server.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <fstream>
#include <string>
#include <system_error>

#include "support/deadline.h"
#include "support/free_port.h"

namespace mystocks::test {
namespace {

// The OS account PostgreSQL runs as when the tests run as root (it refuses to run as root), and
// the database superuser initdb creates; Debian's package creates both under this name.
constexpr const char* kPostgresUser = "postgres";
// Written by the harness at every start and included from postgresql.conf, so a replica (whose
// postgresql.conf is a copy of the primary's) can get its own port and socket directory.
constexpr const char* kHarnessConfig = "mystocks_test.conf";
// Start attempts on fresh ports when the one picked was taken before the postmaster bound it.
constexpr int kPortAttempts = 3;
// After pg_ctl reports a stop, the postmaster may still be exiting for a moment.
constexpr std::chrono::seconds kExitTimeout{10};
// Pause between two connection attempts while waiting for a server to accept connections.
constexpr std::chrono::milliseconds kReadyPollInterval{50};

bool running_as_root() { return ::geteuid() == 0; }

std::string runuser_path() {
  for (const char* candidate : {"/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"}) {
    if (::access(candidate, X_OK) == 0) return candidate;
  }
  return "runuser";  // left to the PATH search
}

// A postgresql.conf string literal.
std::string conf_quote(const std::string& value) {
  std::string quoted = "'";
  for (char c : value) {
    if (c == '\'') quoted += '\'';
    quoted += c;
  }
  return quoted + "'";
}

Status write_file(const std::filesystem::path& path, const std::string& text,
                  std::ios::openmode mode) {
  std::ofstream file(path, mode);
  file << text;
  file.close();
  if (!file) return error(ErrorCode::kIoError, "could not write {}", path.string());
  return Status::ok();
}

}  // namespace

Result<std::filesystem::path> find_postgres_bin_dir() {
  const std::filesystem::path root = "/usr/lib/postgresql";
  if (std::filesystem::exists(root / "15/bin/pg_ctl")) return root / "15/bin";
  int newest = -1;
  std::error_code failure;
  for (const auto& entry : std::filesystem::directory_iterator(root, failure)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    if (std::filesystem::exists(entry.path() / "bin/pg_ctl"))
      newest = std::max(newest, std::stoi(name));
  }
  if (newest < 0) {
    return error(ErrorCode::kFailedPrecondition,
                 "no PostgreSQL server binaries (bin/pg_ctl) under {}; install postgresql-15",
                 root.string());
  }
  return root / std::to_string(newest) / "bin";
}

PostgresServer::PostgresServer(PostgresOptions options) : options_(std::move(options)) {}

PostgresServer::~PostgresServer() {
  if (!root_.has_value()) return;
  try {
    stop_whatever_runs();
  } catch (const std::exception& failure) {  // only allocation throws; the cleanup goes on
    std::fprintf(stderr, "warning: stopping PostgreSQL in %s: %s\n", root_->path().c_str(),
                 failure.what());
  }
  root_.reset();
}

void PostgresServer::stop_whatever_runs() {
  // Checked through the pid file rather than running_: a start that timed out may still have
  // left a postmaster behind, and it must not outlive the test.
  const std::optional<pid_t> pid = postmaster_pid();
  if (!pid.has_value() || !postmaster_alive()) return;
  // Immediate mode: the data is deleted next, so a shutdown checkpoint would only cost time.
  const Status stopped = pg_ctl_stop("immediate");
  if (!stopped.is_ok()) {
    std::fprintf(stderr, "warning: %s; sending SIGKILL to postmaster %d\n",
                 stopped.to_string().c_str(), static_cast<int>(*pid));
    ::kill(*pid, SIGKILL);  // its backends exit on their own once they see it gone
  }
  const Status gone = wait_until_gone(*pid);
  if (!gone.is_ok()) std::fprintf(stderr, "warning: %s\n", gone.to_string().c_str());
  running_ = false;
}

Status PostgresServer::start() {
  if (running_ || root_.has_value()) {
    return error(ErrorCode::kFailedPrecondition,
                 "PostgresServer already holds a cluster in {}; use restart()",
                 root_dir().string());
  }
  MYSTOCKS_RETURN_IF_ERROR(prepare_root());
  // --no-sync: the cluster is thrown away after the test; fsync stays on for the server itself.
  MYSTOCKS_RETURN_IF_ERROR(
      run_tool("initdb", {"-D", data_dir().string(), "--auth=trust", "-U", kPostgresUser,
                          "--encoding=UTF8", "--locale=C", "--no-sync"}));
  MYSTOCKS_RETURN_IF_ERROR(write_initial_config());
  return start_on_free_port();
}

Status PostgresServer::stop() { return shut_down("fast"); }

Status PostgresServer::kill() { return shut_down("immediate"); }

Status PostgresServer::shut_down(std::string_view mode) {
  // A postmaster a test killed by hand leaves nothing to stop, and pg_ctl would call that an error.
  if (!is_running()) {
    running_ = false;
    return Status::ok();
  }
  const std::optional<pid_t> pid = postmaster_pid();
  MYSTOCKS_RETURN_IF_ERROR(pg_ctl_stop(mode));
  running_ = false;
  return pid.has_value() ? wait_until_gone(*pid) : Status::ok();
}

Status PostgresServer::restart() {
  if (!root_.has_value()) {
    return error(ErrorCode::kFailedPrecondition, "restart() needs a cluster; call start() first");
  }
  MYSTOCKS_RETURN_IF_ERROR(write_server_config());  // picks up edits to options_.extra_config
  if (is_running()) {
    MYSTOCKS_RETURN_IF_ERROR(run_tool(
        "pg_ctl", {"-D", data_dir().string(), "-l", log_file().string(), "-m", "fast", "-w", "-t",
                   std::to_string(options_.timeout.count()), "-s", "restart"}));
  } else {
    MYSTOCKS_RETURN_IF_ERROR(pg_ctl_start());
  }
  running_ = true;
  return wait_until_ready();
}

Status PostgresServer::create_database(std::string_view name) {
  Result<PgConnection> connection = connect();
  if (!connection.is_ok()) return connection.status();
  Result<std::string> quoted = connection->quote_identifier(name);
  if (!quoted.is_ok()) return quoted.status();
  return connection->execute("CREATE DATABASE " + *quoted);
}

Result<PgConnection> PostgresServer::connect(std::string_view dbname) const {
  return PgConnection::open(connection_string(dbname));
}

std::string PostgresServer::connection_string(std::string_view dbname) const {
  // No SSL or GSS negotiation: trust auth on loopback, and each probe would cost a round trip.
  return fmt::format(
      "host={} port={} user={} dbname={} connect_timeout=5 sslmode=disable gssencmode=disable",
      host(), port_, kPostgresUser, quote_conninfo_value(dbname));
}

std::filesystem::path PostgresServer::root_dir() const {
  return root_.has_value() ? root_->path() : std::filesystem::path();
}
std::filesystem::path PostgresServer::data_dir() const { return root_dir() / "data"; }
std::filesystem::path PostgresServer::log_file() const { return root_dir() / "server.log"; }

bool PostgresServer::postmaster_alive() const {
  const std::optional<pid_t> pid = postmaster_pid();
  if (!pid.has_value() || !process_alive(*pid)) return false;
  // A postmaster killed outright leaves its pid file behind, and the pid may since name another
  // process; only one started on this data directory is ours to stop (or SIGKILL).
  std::ifstream cmdline_file("/proc/" + std::to_string(*pid) + "/cmdline");
  std::string cmdline;
  if (!std::getline(cmdline_file, cmdline)) return true;  // no /proc: trust the pid file
  return cmdline.find(data_dir().string()) != std::string::npos;
}

std::optional<pid_t> PostgresServer::postmaster_pid() const {
  if (!root_.has_value()) return std::nullopt;
  std::ifstream pid_file(data_dir() / "postmaster.pid");
  long pid = 0;
  if (!(pid_file >> pid) || pid <= 0) return std::nullopt;
  return static_cast<pid_t>(pid);
}

std::string PostgresServer::log_tail(std::size_t max_lines) const {
  return tail_of_file(log_file(), max_lines);
}

Status PostgresServer::prepare_root() {
  if (!options_.bin_dir.empty()) {
    bin_dir_ = options_.bin_dir;
  } else {
    Result<std::filesystem::path> found = find_postgres_bin_dir();
    if (!found.is_ok()) return found.status();
    bin_dir_ = *found;
  }
  std::optional<std::string> owner;
  if (running_as_root()) owner = kPostgresUser;
  Result<TempDir> dir = TempDir::create("mystocks-pg-", owner);
  if (!dir.is_ok()) return dir.status();
  root_.emplace(std::move(dir).value());
  return Status::ok();
}

Command PostgresServer::tool_command(std::string_view tool, std::vector<std::string> args) const {
  Command command;
  if (running_as_root()) command.argv = {runuser_path(), "-u", kPostgresUser, "--"};
  command.argv.push_back((bin_dir_ / tool).string());
  for (std::string& arg : args) command.argv.push_back(std::move(arg));
  // The postgres user may not be able to enter the caller's directory (/root); it owns this one.
  command.working_dir = root_dir();
  return command;
}

Status PostgresServer::run_tool(std::string_view tool, std::vector<std::string> args) {
  const Command command = tool_command(tool, std::move(args));
  Result<CommandOutput> ran = run_command(command, options_.timeout);
  if (!ran.is_ok()) return with_log(ran.status());
  if (ran->exit_code != 0) {
    return with_log(error(ErrorCode::kUnavailable, "{} exited with status {}: {}",
                          describe(command), ran->exit_code, ran->output));
  }
  return Status::ok();
}

Status PostgresServer::write_initial_config() const {
  // Trust, loopback only, replication included: a private throwaway cluster that replicas and
  // tests reach without passwords, and nothing outside the machine reaches at all.
  const std::string hba =
      "# Written by the MyStocks test harness (tests/support/postgres_server.cc).\n"
      "local   all          all                  trust\n"
      "host    all          all    127.0.0.1/32  trust\n"
      "local   replication  all                  trust\n"
      "host    replication  all    127.0.0.1/32  trust\n";
  MYSTOCKS_RETURN_IF_ERROR(write_file(data_dir() / "pg_hba.conf", hba, std::ios::trunc));
  return write_file(data_dir() / "postgresql.conf",
                    fmt::format("\ninclude {}\n", conf_quote(kHarnessConfig)), std::ios::app);
}

Status PostgresServer::write_server_config() const {
  std::string config = fmt::format(
      "# Written by the MyStocks test harness at every start; later lines win.\n"
      "listen_addresses = '127.0.0.1'\n"
      "port = {}\n"
      "unix_socket_directories = {}\n"
      "shared_buffers = {}\n"
      "max_connections = 50\n"
      "wal_level = replica\n"
      "max_wal_senders = 5\n"
      "max_replication_slots = 5\n"
      "wal_keep_size = '64MB'\n"
      "hot_standby = on\n"
      // A replica retries a lost primary after 5 s by default; tests restart primaries.
      "wal_retrieve_retry_interval = '200ms'\n",
      port_, conf_quote(root_dir().string()), conf_quote(options_.shared_buffers));
  for (const std::string& line : options_.extra_config) config += line + '\n';
  return write_file(data_dir() / kHarnessConfig, config, std::ios::trunc);
}

Status PostgresServer::start_on_free_port() {
  Status status;
  for (int attempt = 0; attempt < kPortAttempts; ++attempt) {
    Result<int> port = pick_free_port();
    if (!port.is_ok()) return port.status();
    port_ = *port;
    MYSTOCKS_RETURN_IF_ERROR(write_server_config());
    status = pg_ctl_start();
    if (status.is_ok()) {
      running_ = true;
      return wait_until_ready();
    }
    if (log_tail(10).find("could not create any TCP/IP sockets") == std::string::npos) break;
  }
  return status;
}

Status PostgresServer::pg_ctl_start() {
  return run_tool("pg_ctl", {"-D", data_dir().string(), "-l", log_file().string(), "-w", "-t",
                             std::to_string(options_.timeout.count()), "-s", "start"});
}

Status PostgresServer::pg_ctl_stop(std::string_view mode) {
  return run_tool("pg_ctl", {"-D", data_dir().string(), "-m", std::string(mode), "-w", "-t",
                             std::to_string(options_.timeout.count()), "-s", "stop"});
}

Status PostgresServer::wait_until_ready() {
  // pg_ctl -w already saw the postmaster report "ready"; a libpq round trip proves it for the
  // tests' own access path, and for a replica that it is serving reads in recovery.
  std::string last_problem = "no attempt made";
  const bool ready = poll_until(
      options_.timeout,
      [&] {
        Result<PgConnection> connection = connect();
        if (!connection.is_ok()) {
          last_problem = connection.status().message();
          return false;
        }
        if (!is_replica_) return true;
        Result<std::string> in_recovery = connection->query_scalar("SELECT pg_is_in_recovery()");
        last_problem = in_recovery.is_ok() ? "pg_is_in_recovery() = " + *in_recovery
                                           : in_recovery.status().message();
        return in_recovery.is_ok() && *in_recovery == "t";
      },
      kReadyPollInterval);
  if (ready) return Status::ok();
  return with_log(error(ErrorCode::kUnavailable, "PostgreSQL on port {} not ready within {} s: {}",
                        port_, options_.timeout.count(), last_problem));
}

Status PostgresServer::wait_until_gone(pid_t pid) {
  if (poll_until(kExitTimeout, [pid] { return !process_alive(pid); })) return Status::ok();
  return error(ErrorCode::kDeadlineExceeded, "postmaster {} still running {} s after stop", pid,
               kExitTimeout.count());
}

Status PostgresServer::with_log(const Status& status) const {
  if (status.is_ok()) return status;
  const std::string tail = log_tail();
  if (tail.empty()) return status;
  return Status(status.code(), fmt::format("{}\n--- tail of {} ---\n{}", status.message(),
                                           log_file().string(), tail));
}

}  // namespace mystocks::test
