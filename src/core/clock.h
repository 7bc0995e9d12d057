// Clock: injected time, so stores, limiters, breakers and schedulers run on a manual clock in
// tests without sleeps. SystemClock is thread-safe; ManualClock is safe to read from any thread
// while one thread advances it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace mystocks {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t now_ms() const = 0;  // wall time, epoch milliseconds UTC
  virtual int64_t steady_ns() const = 0;  // monotonic nanoseconds for durations
};

class SystemClock final : public Clock {
 public:
  static const SystemClock& instance() {
    static const SystemClock clock;
    return clock;
  }
  int64_t now_ms() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  int64_t steady_ns() const override {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_ms = 0) : now_ms_(start_ms) {}
  int64_t now_ms() const override { return now_ms_.load(); }
  int64_t steady_ns() const override { return now_ms_.load() * 1'000'000; }
  void advance_ms(int64_t delta) { now_ms_.fetch_add(delta); }
  void set_ms(int64_t value) { now_ms_.store(value); }

 private:
  std::atomic<int64_t> now_ms_;
};

}  // namespace mystocks
