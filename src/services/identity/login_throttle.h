// LoginThrottle: slows password guessing per user name and per client address. The first
// `free_failures` failures cost nothing; each further one makes the next attempt wait 1 s, 2 s,
// 4 s, ... (capped at lock_ms); `lock_failures` failures lock the name or address for lock_ms.
// A success clears the name's record, not the address's, so one valid account cannot launder an
// address that guesses at others. Memory is bounded: idle records are dropped, and when the
// table is full the oldest record goes.
// Thread-safety: all methods may be called from any thread (one mutex, no call outs under it).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"
#include "core/metrics.h"
#include "core/status.h"

namespace mystocks::services {

struct LoginThrottleOptions {
  int64_t free_failures = 3;
  int64_t lock_failures = 10;
  int64_t lock_ms = 15 * 60 * 1000;
  size_t max_records = 100000;
};

class LoginThrottle {
 public:
  LoginThrottle(LoginThrottleOptions options, const Clock& clock, MetricsRegistry& metrics);

  // OK when `username` from `address` may try now; kRateLimited with the wait in seconds
  // otherwise (retry_after_seconds tells how long).
  Status check(std::string_view username, std::string_view address, int64_t* retry_after_seconds);
  void record_failure(std::string_view username, std::string_view address);
  void record_success(std::string_view username);

 private:
  struct Record {
    int64_t failures = 0;
    int64_t not_before_ms = 0;
    int64_t updated_ms = 0;
  };
  void fail(const std::string& key, int64_t now);  // REQUIRES: mutex_ held
  void trim(int64_t now);                          // REQUIRES: mutex_ held

  const LoginThrottleOptions options_;
  const Clock& clock_;
  std::mutex mutex_;
  std::unordered_map<std::string, Record> records_;  // GUARDED_BY(mutex_); "u:name" / "a:addr"
  Counter& throttled_;
  Counter& locks_;
};

}  // namespace mystocks::services
