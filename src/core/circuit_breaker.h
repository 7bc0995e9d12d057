// CircuitBreaker: protects callers from an upstream that keeps failing (a store, a data source).
// Closed: calls pass; `failure_threshold` consecutive retryable failures (RetryClass::kRetryCall:
// Unavailable, DeadlineExceeded, ...) open it. Open: calls are refused at once with Unavailable
// and a retry-after until `open_timeout_ms` has passed. Half-open: one probe at a time passes;
// `success_threshold` successes close it, a failure opens it again. Input errors
// (InvalidArgument, NotFound) say nothing about the upstream's health and are not counted.
// Thread-safety: all methods are safe from any thread (one mutex); time from the injected Clock.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/metrics.h"
#include "core/status.h"

namespace mystocks {

struct BreakerOptions {
  int failure_threshold = 5;        // consecutive retryable failures that open the circuit
  int success_threshold = 2;        // half-open successes that close it again
  int64_t open_timeout_ms = 30000;  // how long it stays open before a probe is allowed
};

enum class BreakerState : uint8_t { kClosed = 0, kOpen = 1, kHalfOpen = 2 };
std::string_view breaker_state_name(BreakerState state);

class CircuitBreaker {
 public:
  CircuitBreaker(std::string name, BreakerOptions options, const Clock& clock, MetricsRegistry& metrics);

  // Before calling the upstream: OK, or Unavailable naming the upstream and when to retry.
  Status admit();
  // After the call: its outcome.
  void record(const Status& outcome);

  // Runs `call` (returning Status or Result<T>) under the breaker.
  template <typename Call>
  auto run(Call&& call) -> decltype(call()) {
    if (Status admitted = admit(); !admitted.is_ok()) return admitted;
    auto outcome = call();
    record(status_of(outcome));
    return outcome;
  }

  const std::string& name() const { return name_; }
  BreakerState state() const;
  // Milliseconds until an open circuit lets a probe through (0 unless open).
  int64_t retry_after_ms() const;

 private:
  static const Status& status_of(const Status& status) { return status; }
  template <typename T>
  static const Status& status_of(const Result<T>& result) { return result.status(); }
  void transition(BreakerState next);  // REQUIRES: mutex_ held

  const std::string name_;
  const BreakerOptions options_;
  const Clock& clock_;
  mutable std::mutex mutex_;
  BreakerState state_ = BreakerState::kClosed;  // GUARDED_BY(mutex_)
  int failures_ = 0;                            // GUARDED_BY(mutex_)
  int successes_ = 0;                           // GUARDED_BY(mutex_)
  bool probe_in_flight_ = false;                // GUARDED_BY(mutex_)
  int64_t opened_at_ms_ = 0;                    // GUARDED_BY(mutex_)
  Gauge& state_gauge_;
  Counter& opened_;
  Counter& rejected_;
};

// All breakers of the process by upstream name, for /api/v1/system/status. Thread-safe.
class BreakerRegistry {
 public:
  BreakerRegistry(BreakerOptions defaults, const Clock& clock, MetricsRegistry& metrics)
      : defaults_(defaults), clock_(clock), metrics_(metrics) {}

  CircuitBreaker& get(const std::string& upstream);
  std::vector<const CircuitBreaker*> all() const;

 private:
  BreakerOptions defaults_;
  const Clock& clock_;
  MetricsRegistry& metrics_;
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<CircuitBreaker>> breakers_;  // GUARDED_BY(mutex_)
};

}  // namespace mystocks
