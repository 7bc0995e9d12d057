#include "gateway/nonce_cache.h"

#include <cstring>

#include "core/random_token.h"
#include "gateway/hmac_sha256.h"

namespace mystocks::gateway {

namespace {

Family<Counter>& refused_family(MetricsRegistry& metrics) {
  return metrics.counter("mystocks_gateway_nonce_refused_total",
                         "Signed requests refused by the nonce cache, by reason.", {"reason"});
}

}  // namespace

NonceCache::NonceCache(NonceCacheOptions options, MetricsRegistry& metrics)
    : options_(options),
      salt_(random_token(32)),
      entries_gauge_(
          metrics.gauge("mystocks_gateway_nonce_cache_entries", "Request nonces remembered.")
              .get()),
      replays_(refused_family(metrics).with({"replay"})),
      full_(refused_family(metrics).with({"full"})) {}

NonceCache::Fingerprint NonceCache::fingerprint(std::string_view key) const {
  const Sha256Digest digest = hmac_sha256(salt_, key);
  Fingerprint fingerprint;
  std::memcpy(&fingerprint.high, digest.data(), sizeof fingerprint.high);
  std::memcpy(&fingerprint.low, digest.data() + sizeof fingerprint.high, sizeof fingerprint.low);
  return fingerprint;
}

void NonceCache::expire(int64_t now_ms) {
  while (!by_expiry_.empty() && by_expiry_.front().expires_ms <= now_ms) {
    seen_.erase(by_expiry_.front().fingerprint);
    by_expiry_.pop_front();
  }
}

Status NonceCache::remember(std::string_view key, int64_t now_ms) {
  const Fingerprint fingerprint = this->fingerprint(key);
  std::lock_guard lock(mutex_);
  expire(now_ms);
  entries_gauge_.set(static_cast<double>(seen_.size()));
  if (seen_.contains(fingerprint)) {
    replays_.inc();
    return error(ErrorCode::kAlreadyExists, "nonce already used");
  }
  if (seen_.size() >= options_.max_entries) {
    full_.inc();
    return error(ErrorCode::kResourceExhausted,
                 "too many signed requests in flight: the nonce cache holds its maximum of {} "
                 "unexpired nonces; retry later",
                 options_.max_entries);
  }
  seen_.insert(fingerprint);
  by_expiry_.push_back({now_ms + options_.ttl_ms, fingerprint});
  entries_gauge_.inc();
  return Status::ok();
}

size_t NonceCache::size() const {
  std::lock_guard lock(mutex_);
  return seen_.size();
}

}  // namespace mystocks::gateway
