// NonceCache: remembers which request nonces were used, so a signed request cannot be replayed
// while its timestamp is still inside the accepted window. Keys are stored as 128-bit salted
// fingerprints (fixed size whatever the key length; the per-process random salt keeps clients
// from crafting collisions). Invariants: at most max_entries keys; a key is remembered for at
// least ttl_ms after it was recorded and is never forgotten earlier, even when the cache is full.
// Thread-safety: remember() and size() may be called from any thread (one mutex, O(1) amortised
// work under it; the fingerprint is computed outside it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>

#include "core/metrics.h"
#include "core/status.h"

namespace mystocks::gateway {

struct NonceCacheOptions {
  // Keys held at once. Each costs about 64 bytes, so the default bounds the cache at ~64 MB.
  // Fixed at construction.
  size_t max_entries = 1'000'000;
  // Milliseconds a key is remembered. RequestVerifier sets twice its timestamp window. Fixed at
  // construction.
  int64_t ttl_ms = 10 * 60 * 1000;
};

class NonceCache {
 public:
  NonceCache(NonceCacheOptions options, MetricsRegistry& metrics);

  // Records `key` as used at now_ms. kAlreadyExists when it was recorded within the last ttl_ms.
  // kResourceExhausted when max_entries unexpired keys are held: the key is then not recorded
  // and the caller must refuse the request. Forgetting an unexpired key to make room would let
  // that request be replayed, so under a flood the cache fails closed (visible, retryable
  // refusals, bounded by per-key rate limits) rather than open (silent replays).
  Status remember(std::string_view key, int64_t now_ms);

  size_t size() const;

 private:
  struct Fingerprint {
    uint64_t high = 0;
    uint64_t low = 0;
    bool operator==(const Fingerprint&) const = default;
  };
  struct FingerprintHash {
    // The fingerprint is already uniformly random: any 64 bits of it are a good hash.
    size_t operator()(const Fingerprint& fingerprint) const { return fingerprint.low; }
  };
  struct Expiry {
    int64_t expires_ms;
    Fingerprint fingerprint;
  };

  Fingerprint fingerprint(std::string_view key) const;
  void expire(int64_t now_ms);  // REQUIRES: mutex_ held

  const NonceCacheOptions options_;
  const std::string salt_;  // HMAC key for fingerprints: 256 random bits per process
  mutable std::mutex mutex_;
  std::unordered_set<Fingerprint, FingerprintHash> seen_;  // GUARDED_BY(mutex_)
  // Recording order, which is expiry order because ttl_ms is fixed: expiring is popping the front.
  std::deque<Expiry> by_expiry_;  // GUARDED_BY(mutex_)
  Gauge& entries_gauge_;
  Counter& replays_;  // refused: key already remembered
  Counter& full_;     // refused: cache full of unexpired keys
};

}  // namespace mystocks::gateway
