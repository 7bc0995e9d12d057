#include "services/identity/login_throttle.h"

#include <algorithm>

namespace mystocks::services {

LoginThrottle::LoginThrottle(LoginThrottleOptions options, const Clock& clock,
                             MetricsRegistry& metrics)
    : options_(options),
      clock_(clock),
      throttled_(metrics.counter("mystocks_auth_login_throttled_total",
                                 "Login attempts refused because of earlier failures.")
                     .get()),
      locks_(metrics.counter("mystocks_auth_login_locks_total",
                             "User names or client addresses locked after repeated failures.")
                 .get()) {}

Status LoginThrottle::check(std::string_view username, std::string_view address,
                            int64_t* retry_after_seconds) {
  const int64_t now = clock_.now_ms();
  int64_t not_before = 0;
  {
    std::lock_guard lock(mutex_);
    for (const std::string& key : {"u:" + std::string(username), "a:" + std::string(address)}) {
      if (auto found = records_.find(key); found != records_.end()) {
        not_before = std::max(not_before, found->second.not_before_ms);
      }
    }
  }
  if (not_before <= now) return Status::ok();
  throttled_.inc();
  *retry_after_seconds = std::max<int64_t>(1, (not_before - now + 999) / 1000);
  return error(ErrorCode::kRateLimited,
               "too many failed logins for this user or address: retry in {} s",
               *retry_after_seconds);
}

void LoginThrottle::fail(const std::string& key, int64_t now) {
  Record& record = records_[key];
  record.failures += 1;
  record.updated_ms = now;
  const int64_t over = record.failures - options_.free_failures;
  if (record.failures >= options_.lock_failures) {
    record.not_before_ms = now + options_.lock_ms;
    locks_.inc();
  } else if (over > 0) {
    const int64_t delay = int64_t{1000} << std::min<int64_t>(over - 1, 20);
    record.not_before_ms = now + std::min(delay, options_.lock_ms);
  }
}

void LoginThrottle::record_failure(std::string_view username, std::string_view address) {
  const int64_t now = clock_.now_ms();
  std::lock_guard lock(mutex_);
  trim(now);
  fail("u:" + std::string(username), now);
  fail("a:" + std::string(address), now);
}

void LoginThrottle::record_success(std::string_view username) {
  std::lock_guard lock(mutex_);
  records_.erase("u:" + std::string(username));
}

void LoginThrottle::trim(int64_t now) {
  if (records_.size() < options_.max_records) return;
  // A record idle for a lock period carries no more penalty than a fresh one.
  std::erase_if(records_, [&](const auto& entry) {
    return now - entry.second.updated_ms > options_.lock_ms && entry.second.not_before_ms <= now;
  });
  while (records_.size() >= options_.max_records) {
    auto oldest = std::min_element(records_.begin(), records_.end(), [](const auto& a, const auto& b) {
      return a.second.updated_ms < b.second.updated_ms;
    });
    records_.erase(oldest);
  }
}

}  // namespace mystocks::services
