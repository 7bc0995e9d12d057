// Thread guard: every thread MyStocks starts (and every detached coroutine) runs its entry point
// through this, so an exception never reaches std::terminate or vanishes. A caught exception is
// logged with the thread's name, counted in mystocks_thread_failures_total{thread} and handed
// back as a kInternal Status the caller reacts to (retry the loop, fail waiters, end the thread).
// A whole-thread guard (run_thread) that catches, or report_thread_stopped for a loop that ended,
// also marks the thread stopped, which readiness reports (stopped_threads_status) until a thread
// of that name starts again.
// Invariants: the guards are noexcept; the stopped set only holds names whose last run ended by
// an exception. Thread-safety: every function may be called from any thread.
#pragma once

#include <exception>
#include <string_view>
#include <type_traits>
#include <utility>

#include "core/status.h"

namespace mystocks {

// Logs, counts and returns kInternal "thread '<thread>' failed: <what>". Used by the guards and
// by completion handlers that receive an exception_ptr (a null one is OK and reports nothing).
Status report_thread_failure(std::string_view thread, std::string_view what);
Status report_thread_failure(std::string_view thread, const std::exception_ptr& failure);
// As report_thread_failure, and marks `thread` stopped for readiness: for a loop that ended.
Status report_thread_stopped(std::string_view thread, const std::exception_ptr& failure);

namespace detail {
template <typename Body>
Status invoke_body(Body& body) {
  if constexpr (std::is_void_v<std::invoke_result_t<Body&>>) {
    body();
    return Status::ok();
  } else {
    static_assert(std::is_same_v<std::invoke_result_t<Body&>, Status>,
                  "a body returns Status or void");
    return body();
  }
}
void mark_thread_running(std::string_view thread);
}  // namespace detail

// One unit of a thread's work: a loop iteration, a job, a handler. Returns what `body` returns
// (OK for a void body), or the reported failure when it throws.
template <typename Body>
Status guard_thread_work(std::string_view thread, Body&& body) noexcept {
  try {
    return detail::invoke_body(body);
  } catch (...) {
    return report_thread_failure(thread, std::current_exception());
  }
}

// A whole thread body (the function given to std::thread). As guard_thread_work, and a body that
// throws leaves the thread marked stopped for readiness.
template <typename Body>
Status run_thread(std::string_view thread, Body&& body) noexcept {
  detail::mark_thread_running(thread);
  try {
    return detail::invoke_body(body);
  } catch (...) {
    return report_thread_stopped(thread, std::current_exception());
  }
}

// Readiness detail: OK, or kUnavailable naming every thread that ended by an exception and why.
Status stopped_threads_status();

}  // namespace mystocks
