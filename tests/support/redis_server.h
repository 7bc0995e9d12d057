// RedisServer: a private redis-server for integration tests, run as a child process on a free
// loopback port in its own temporary directory, without persistence. Ready once PING answers
// PONG. restart() keeps the port (clients reconnect to the same address) but not the data.
// Invariant: the destructor always stops the process (SIGTERM, then SIGKILL) and removes the
// directory; the child is reaped, never left as a zombie or orphan.
// Thread-safety: one test thread drives an instance; port()/host() may be read from any thread
// while no start/stop/restart/kill call is running.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "support/child_process.h"
#include "support/temp_dir.h"

namespace mystocks::test {

struct RedisOptions {
  // The server binary. Default "redis-server", looked up in PATH.
  std::string executable = "redis-server";
  // Limit for the server to answer PING after a (re)start. Default 10 s.
  std::chrono::milliseconds start_timeout{std::chrono::seconds(10)};
  // Grace after SIGTERM before stop() sends SIGKILL. Default 10 s.
  std::chrono::milliseconds stop_timeout{std::chrono::seconds(10)};
  // More command-line arguments, e.g. {"--maxmemory", "10mb"}. Default none. Read at every start.
  std::vector<std::string> extra_args;
};

class RedisServer {
 public:
  explicit RedisServer(RedisOptions options = {});
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  // Starts on a fresh free port and waits for PONG.
  Status start();
  // SIGTERM, then SIGKILL after stop_timeout (reported as kDeadlineExceeded). No-op if stopped.
  Status stop();
  // SIGKILL, as if the server crashed. No-op if stopped.
  Status kill();
  // stop() if running, then starts again on the same port with an empty data set.
  Status restart();

  // Reaps the process if it exited on its own; true while it runs.
  bool is_running();
  int port() const { return port_; }
  std::string host() const { return "127.0.0.1"; }
  // The server's pid while it runs.
  std::optional<pid_t> pid() const;
  // The temporary directory (working dir and log); removed by the destructor.
  std::filesystem::path root_dir() const;
  std::filesystem::path log_file() const;
  std::string log_tail(std::size_t max_lines = 30) const;

 private:
  // Spawns redis-server on port_ and waits for PONG; on failure no process is left running.
  Status spawn_and_wait();

  RedisOptions options_;
  std::optional<TempDir> root_;
  std::optional<ChildProcess> process_;
  int port_ = 0;
};

// One PING round trip to host:port, through hiredis, with a short timeout.
Status redis_ping(const std::string& host, int port);

}  // namespace mystocks::test
