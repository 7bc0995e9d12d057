// RateLimiter: token buckets per (client, route class). Each class has a capacity (the burst) and
// a refill rate; a request takes `cost` tokens or is refused with the time until enough tokens
// are back. Buckets untouched for `idle_evict_ms` are evicted so memory stays bounded by active
// clients. Time comes from the injected Clock (tests use a ManualClock, no sleeps).
// Thread-safety: allow() may be called from any thread (sharded mutexes).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/clock.h"
#include "core/metrics.h"

namespace mystocks::gateway {

struct RateClass {
  double capacity = 100;        // tokens; the largest burst
  double refill_per_second = 50;  // sustained requests per second
};

struct RateDecision {
  bool allowed = true;
  int64_t limit = 0;            // capacity, for X-RateLimit-Limit
  int64_t remaining = 0;        // whole tokens left, for X-RateLimit-Remaining
  int64_t reset_seconds = 0;    // until the bucket is full again, for X-RateLimit-Reset
  int64_t retry_after_seconds = 0;  // when refused: until `cost` tokens are back
};

class RateLimiter {
 public:
  RateLimiter(std::map<std::string, RateClass> classes, const Clock& clock, MetricsRegistry& metrics,
              int64_t idle_evict_ms = 10 * 60 * 1000);

  // Unknown classes are not limited (allowed, limit 0). `scale` multiplies the class's capacity
  // and refill rate for this client (per-role budgets); it must be > 0.
  RateDecision allow(const std::string& client, const std::string& route_class, double cost = 1,
                     double scale = 1);

  // Drops buckets idle for longer than idle_evict_ms; returns how many were dropped. allow()
  // also does this for its shard every 1024 new buckets, so no timer is needed.
  size_t evict_idle();
  size_t bucket_count() const;

 private:
  struct Bucket {
    double tokens;
    int64_t updated_ms;
  };
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, Bucket> buckets;  // GUARDED_BY(mutex); key: class \n client
    uint64_t inserts = 0;                             // GUARDED_BY(mutex)
  };
  size_t evict_shard(Shard& shard, int64_t now);  // REQUIRES: shard.mutex held
  static constexpr size_t kShards = 16;

  std::map<std::string, RateClass> classes_;
  const Clock& clock_;
  const int64_t idle_evict_ms_;
  std::array<Shard, kShards> shards_;
  Family<Counter>& refused_;
  Gauge& buckets_gauge_;
};

}  // namespace mystocks::gateway
