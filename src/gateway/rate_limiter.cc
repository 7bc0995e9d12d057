#include "gateway/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace mystocks::gateway {

RateLimiter::RateLimiter(std::map<std::string, RateClass> classes, const Clock& clock,
                         MetricsRegistry& metrics, int64_t idle_evict_ms)
    : classes_(std::move(classes)),
      clock_(clock),
      idle_evict_ms_(idle_evict_ms),
      refused_(metrics.counter("mystocks_gateway_rate_limited_total",
                               "Requests refused with 429, by route class.", {"class"})),
      buckets_gauge_(metrics.gauge("mystocks_gateway_rate_buckets", "Active token buckets.").get()) {}

RateDecision RateLimiter::allow(const std::string& client, const std::string& route_class,
                               double cost, double scale) {
  auto found = classes_.find(route_class);
  if (found == classes_.end()) return {};
  const RateClass rate{found->second.capacity * scale, found->second.refill_per_second * scale};
  const int64_t now = clock_.now_ms();
  const std::string key = route_class + '\n' + client;
  Shard& shard = shards_[std::hash<std::string>{}(key) % kShards];
  RateDecision decision;
  decision.limit = static_cast<int64_t>(rate.capacity);
  bool created = false;
  size_t evicted = 0;
  {
    std::lock_guard lock(shard.mutex);
    auto [it, inserted] = shard.buckets.try_emplace(key, Bucket{rate.capacity, now});
    created = inserted;
    if (inserted && ++shard.inserts % 1024 == 0) {
      evicted = evict_shard(shard, now);
      it = shard.buckets.find(key);
    }
    Bucket& bucket = it->second;
    const double elapsed = static_cast<double>(std::max<int64_t>(0, now - bucket.updated_ms)) / 1000.0;
    bucket.tokens = std::min(rate.capacity, bucket.tokens + elapsed * rate.refill_per_second);
    bucket.updated_ms = now;
    decision.allowed = bucket.tokens >= cost;
    if (decision.allowed) bucket.tokens -= cost;
    decision.remaining = static_cast<int64_t>(std::floor(bucket.tokens));
    const double missing_full = rate.capacity - bucket.tokens;
    decision.reset_seconds = static_cast<int64_t>(std::ceil(missing_full / rate.refill_per_second));
    if (!decision.allowed) {
      decision.retry_after_seconds = std::max<int64_t>(
          1, static_cast<int64_t>(std::ceil((cost - bucket.tokens) / rate.refill_per_second)));
    }
  }
  if (created) buckets_gauge_.inc();
  if (evicted > 0) buckets_gauge_.dec(static_cast<double>(evicted));
  if (!decision.allowed) refused_.with({route_class}).inc();
  return decision;
}

size_t RateLimiter::evict_shard(Shard& shard, int64_t now) {
  return std::erase_if(shard.buckets, [&](const auto& entry) {
    return now - entry.second.updated_ms > idle_evict_ms_;
  });
}

size_t RateLimiter::evict_idle() {
  const int64_t now = clock_.now_ms();
  size_t dropped = 0;
  for (Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    dropped += evict_shard(shard, now);
  }
  buckets_gauge_.dec(static_cast<double>(dropped));
  return dropped;
}

size_t RateLimiter::bucket_count() const {
  size_t count = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    count += shard.buckets.size();
  }
  return count;
}

}  // namespace mystocks::gateway
