#include "support/redis_server.h"

#include <hiredis/hiredis.h>
#include <signal.h>

#include <cstdio>
#include <exception>
#include <memory>
#include <string_view>

#include "support/deadline.h"
#include "support/free_port.h"

namespace mystocks::test {
namespace {

// Start attempts on fresh ports when the one picked was taken before redis-server bound it.
constexpr int kPortAttempts = 3;
// Per-PING connect and reply timeout: generous for a local server, short next to start_timeout.
constexpr timeval kPingTimeout{1, 0};

struct FreeContext {
  void operator()(redisContext* context) const { redisFree(context); }
};
struct FreeReply {
  void operator()(void* reply) const { freeReplyObject(reply); }
};

}  // namespace

Status redis_ping(const std::string& host, int port) {
  std::unique_ptr<redisContext, FreeContext> context(
      redisConnectWithTimeout(host.c_str(), port, kPingTimeout));
  if (context == nullptr || context->err != 0) {
    return error(ErrorCode::kUnavailable, "connecting to Redis at {}:{} failed: {}", host, port,
                 context == nullptr ? "out of memory" : context->errstr);
  }
  redisSetTimeout(context.get(), kPingTimeout);
  std::unique_ptr<redisReply, FreeReply> reply(
      static_cast<redisReply*>(redisCommand(context.get(), "PING")));
  if (reply == nullptr) {
    return error(ErrorCode::kUnavailable, "PING to Redis at {}:{} failed: {}", host, port,
                 context->errstr);
  }
  const std::string_view text(reply->str == nullptr ? "" : reply->str, reply->len);
  if (reply->type != REDIS_REPLY_STATUS || text != "PONG") {
    return error(ErrorCode::kUnavailable, "PING to Redis at {}:{} answered '{}' (type {})", host,
                 port, text, reply->type);
  }
  return Status::ok();
}

RedisServer::RedisServer(RedisOptions options) : options_(std::move(options)) {}

RedisServer::~RedisServer() {
  try {
    const Status stopped = stop();
    if (!stopped.is_ok()) std::fprintf(stderr, "warning: %s\n", stopped.to_string().c_str());
  } catch (const std::exception& failure) {  // only allocation throws; the cleanup goes on
    std::fprintf(stderr, "warning: stopping redis-server: %s\n", failure.what());
  }
  process_.reset();  // kills and reaps whatever stop() did not
  root_.reset();
}

Status RedisServer::start() {
  if (root_.has_value()) {
    return error(ErrorCode::kFailedPrecondition, "RedisServer already started in {}; use restart()",
                 root_dir().string());
  }
  Result<TempDir> dir = TempDir::create("mystocks-redis-");
  if (!dir.is_ok()) return dir.status();
  root_.emplace(std::move(dir).value());
  Status status;
  for (int attempt = 0; attempt < kPortAttempts; ++attempt) {
    Result<int> port = pick_free_port();
    if (!port.is_ok()) return port.status();
    port_ = *port;
    status = spawn_and_wait();
    if (status.is_ok() || log_tail(5).find("Address already in use") == std::string::npos) break;
  }
  return status;
}

Status RedisServer::stop() {
  if (!process_.has_value()) return Status::ok();
  const pid_t pid = process_->pid();
  const int exit_code = process_->terminate(options_.stop_timeout);
  process_.reset();
  if (exit_code == 128 + SIGKILL) {
    return error(ErrorCode::kDeadlineExceeded,
                 "redis-server {} ignored SIGTERM for {} ms and was killed", pid,
                 options_.stop_timeout.count());
  }
  return Status::ok();
}

Status RedisServer::kill() {
  if (process_.has_value()) process_->kill();
  process_.reset();
  return Status::ok();
}

Status RedisServer::restart() {
  if (!root_.has_value()) {
    return error(ErrorCode::kFailedPrecondition, "restart() needs a server; call start() first");
  }
  MYSTOCKS_RETURN_IF_ERROR(stop());
  // redis-server sets SO_REUSEADDR, so the old listener's TIME_WAIT does not block the port.
  return spawn_and_wait();
}

bool RedisServer::is_running() { return process_.has_value() && process_->is_running(); }

std::optional<pid_t> RedisServer::pid() const {
  if (!process_.has_value()) return std::nullopt;
  return process_->pid();
}

std::filesystem::path RedisServer::root_dir() const {
  return root_.has_value() ? root_->path() : std::filesystem::path();
}

std::filesystem::path RedisServer::log_file() const { return root_dir() / "redis.log"; }

std::string RedisServer::log_tail(std::size_t max_lines) const {
  return tail_of_file(log_file(), max_lines);
}

Status RedisServer::spawn_and_wait() {
  // No RDB snapshots or AOF: the tests want a clean server at every start, and no disk writes.
  Command command;
  command.argv = {options_.executable,
                  "--port",
                  std::to_string(port_),
                  "--bind",
                  "127.0.0.1",
                  "--dir",
                  root_dir().string(),
                  "--save",
                  "",
                  "--appendonly",
                  "no",
                  "--daemonize",
                  "no"};
  command.argv.insert(command.argv.end(), options_.extra_args.begin(), options_.extra_args.end());
  command.working_dir = root_dir();
  Result<ChildProcess> spawned = ChildProcess::spawn(command, log_file());
  if (!spawned.is_ok()) return spawned.status();
  process_.emplace(std::move(spawned).value());

  Status last_ping = error(ErrorCode::kUnavailable, "no PING sent yet");
  const bool settled = poll_until(options_.start_timeout, [&] {
    if (!process_->is_running()) return true;
    last_ping = redis_ping(host(), port_);
    return last_ping.is_ok();
  });
  if (!process_->is_running()) {
    const int exit_code = process_->exit_code().value_or(-1);
    process_.reset();
    return error(ErrorCode::kUnavailable,
                 "redis-server on port {} exited with status {} before answering PING:\n{}", port_,
                 exit_code, log_tail());
  }
  if (!settled) {
    process_->kill();
    process_.reset();
    return error(ErrorCode::kUnavailable, "redis-server on port {} not ready within {} ms: {}\n{}",
                 port_, options_.start_timeout.count(), last_ping.message(), log_tail());
  }
  return Status::ok();
}

}  // namespace mystocks::test
