#include "core/thread_guard.h"

#include <functional>
#include <map>
#include <mutex>
#include <string>

#include <spdlog/spdlog.h>

#include "core/metrics.h"

namespace mystocks {
namespace {

// Threads whose last run ended by an exception, with that failure.
class StoppedThreads {
 public:
  void running(std::string_view thread) {
    std::lock_guard lock(mutex_);
    auto it = stopped_.find(thread);
    if (it != stopped_.end()) stopped_.erase(it);
  }
  void stopped(std::string_view thread, const Status& failure) {
    std::lock_guard lock(mutex_);
    stopped_.insert_or_assign(std::string(thread), failure.message());
  }
  Status status() const {
    std::lock_guard lock(mutex_);
    if (stopped_.empty()) return Status::ok();
    std::string detail;
    for (const auto& [thread, why] : stopped_) {
      detail += detail.empty() ? "" : "; ";
      detail += why;
    }
    return error(ErrorCode::kUnavailable, "{} thread(s) stopped by a failure: {}", stopped_.size(),
                 detail);
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::string, std::less<>> stopped_;  // GUARDED_BY(mutex_)
};

StoppedThreads& stopped_threads() {
  static StoppedThreads threads;
  return threads;
}

Family<Counter>& failures_total() {
  static Family<Counter>& family = MetricsRegistry::global().counter(
      "mystocks_thread_failures_total",
      "Exceptions caught at a thread's or detached coroutine's entry point, by thread name.",
      {"thread"});
  return family;
}

}  // namespace

Status report_thread_failure(std::string_view thread, std::string_view what) {
  spdlog::error("thread '{}' failed: {}", thread, what);
  failures_total().with({std::string(thread)}).inc();
  return error(ErrorCode::kInternal, "thread '{}' failed: {}", thread, what);
}

Status report_thread_failure(std::string_view thread, const std::exception_ptr& failure) {
  if (!failure) return Status::ok();
  try {
    std::rethrow_exception(failure);
  } catch (const std::exception& caught) {
    return report_thread_failure(thread, caught.what());
  } catch (...) {
    return report_thread_failure(thread, "an exception that is not a std::exception");
  }
}

Status report_thread_stopped(std::string_view thread, const std::exception_ptr& failure) {
  Status reported = report_thread_failure(thread, failure);
  if (!reported.is_ok()) stopped_threads().stopped(thread, reported);
  return reported;
}

namespace detail {

void mark_thread_running(std::string_view thread) { stopped_threads().running(thread); }

}  // namespace detail

Status stopped_threads_status() { return stopped_threads().status(); }

}  // namespace mystocks
