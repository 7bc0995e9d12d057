// HandlerPool: runs route handlers that may block (store reads and writes, health checks of
// remote servers) on a bounded set of worker threads, so an I/O thread never waits on a database
// (CONVENTIONS: never block an Asio thread on I/O). The connection's coroutine waits for the
// response up to the route's timeout; after it, the client gets 504 and the late response is
// dropped. At most max_pending handlers are queued or running; beyond that the client gets 503
// at once instead of an ever-growing queue. Internal to server/ (includes Asio).
// Thread-safety: run() from any connection coroutine; the destructor joins the workers.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include "core/metrics.h"
#include "gateway/http_types.h"

namespace mystocks::server {

class HandlerPool {
 public:
  enum class Outcome { kDone, kTimedOut, kBusy, kFailed };  // kFailed: the handler threw
  struct Result {
    Outcome outcome = Outcome::kDone;
    gateway::HttpResponse response;  // kDone only
  };

  HandlerPool(size_t threads, size_t max_pending, MetricsRegistry& metrics);
  ~HandlerPool();
  HandlerPool(const HandlerPool&) = delete;
  HandlerPool& operator=(const HandlerPool&) = delete;

  // Runs `work` on a worker and resumes the calling coroutine on its own executor. `work` is
  // moved out before the first suspension (a reference, not a value parameter: GCC 12
  // destroys by-value coroutine arguments built in a co_await expression twice).
  boost::asio::awaitable<Result> run(std::function<gateway::HttpResponse()>&& work,
                                     std::chrono::milliseconds timeout);

 private:
  boost::asio::thread_pool pool_;
  const size_t max_pending_;
  std::atomic<size_t> pending_{0};
  Counter& timeouts_;
  Counter& refused_;
};

}  // namespace mystocks::server
