// HttpServer: HTTP/1.1 on Boost.Beast + Asio C++20 coroutines, one io_context per I/O thread,
// keep-alive, body and header limits, read and idle timeouts, and graceful shutdown: on
// SIGINT/SIGTERM it stops accepting, closes idle connections, lets in-flight
// requests finish (up to shutdown_grace_ms) and returns from run().
// Beast and Asio stay behind the pimpl so including this header costs nothing.
// Thread-safety: start() and run() on the owning thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "core/config.h"
#include "core/status.h"
#include "gateway/router.h"

namespace mystocks::server {

class EngineIoTransport;

// Optional realtime endpoint served on the same port under /socket.io/.
struct RealtimeHooks {
  std::vector<EngineIoTransport*> transports;  // each mounted at its own path
  std::function<void()> tick;      // called every tick_interval_ms on one I/O thread
  std::function<void()> on_drain;  // called once when shutdown begins (close realtime sessions)
  int64_t tick_interval_ms = 10;
  // Called on SIGHUP (when run() handles signals): reload what can change without a restart
  // (the RBAC policy). Connections stay open.
  std::function<void()> on_hangup;
};

class HttpServer {
 public:
  HttpServer(const ServerConfig& config, const gateway::Router& router, MetricsRegistry& metrics,
             RealtimeHooks realtime = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens; errors name the address. After it succeeds, port() is the bound port.
  Status start();
  uint16_t port() const;

  // Serves until shutdown completes. Installs SIGINT/SIGTERM handlers when `handle_signals`.
  // Returns OK after a clean drain, DeadlineExceeded when the grace period ran out.
  Status run(bool handle_signals = true);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mystocks::server
