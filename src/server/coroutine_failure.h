// LogCoroutineFailure: the completion handler every coroutine the server co_spawns without
// awaiting it uses instead of asio::detached, which drops the exception silently. A coroutine
// that ends by an exception is logged and counted under its name (core/thread_guard.h:
// mystocks_thread_failures_total{thread}); a server-long loop (accept, realtime tick) is also
// marked stopped, which /health/ready reports. A normal end does nothing. The handler never
// throws, so nothing escapes io_context::run().
// Thread-safety: called once by Asio on the coroutine's executor; stateless otherwise.
#pragma once

#include <cstdint>
#include <exception>
#include <string_view>

#include "core/thread_guard.h"

namespace mystocks::server {

class LogCoroutineFailure {
 public:
  enum class Scope : uint8_t {
    kTask,        // one connection: its end only closes that connection
    kServerLoop,  // runs as long as the server: its end leaves the server not ready
  };
  // `name` must outlive the coroutine (a string literal).
  explicit LogCoroutineFailure(std::string_view name, Scope scope = Scope::kTask)
      : name_(name), scope_(scope) {}

  void operator()(const std::exception_ptr& failure) const noexcept {
    (void)(scope_ == Scope::kServerLoop ? report_thread_stopped(name_, failure)
                                        : report_thread_failure(name_, failure));
  }

 private:
  std::string_view name_;
  Scope scope_;
};

}  // namespace mystocks::server
