// ResponseCache: the gateway's cache-aside store of successful (200) GET answers of routes with a
// cache policy (RouteSpec::cache_tables). Key = method + decoded path + canonical query + the
// Accept header; the entry keeps the answer before per-request decoration (request id, time,
// CORS, rate-limit headers, 304, gzip) as shared immutable text. An entry is served only while
// the generations of all tables it was derived from are unchanged (invalidate_table() on every
// DataChanged) and its TTL has not passed; a stale entry is dropped when found. The gzip variant
// of a body is built once per entry, on its first gzip hit. Bounded by entries and bytes (LRU).
// Metrics: mystocks_response_cache_{hits,misses,evictions,invalidations}_total and the
// _entries/_bytes gauges.
// Thread-safety: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "cache/lru_cache.h"
#include "cache/table_generations.h"
#include "core/clock.h"
#include "core/metrics.h"
#include "gateway/compression.h"
#include "gateway/http_types.h"

namespace mystocks::gateway {

struct ResponseCacheOptions {
  size_t max_entries = 10000;    // gateway.cache_max_entries; static
  size_t max_bytes = 64u << 20;  // gateway.cache_max_bytes, body bytes; static
  size_t shards = 16;
};

// One cached answer. Enveloped: body = head + per-request members + tail (see
// gateway/envelope.h EnvelopeParts); raw: body = head, tail empty.
struct CachedResponse {
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;  // ETag, Vary, Deprecation, ...
  std::string head;
  std::string tail;
  bool enveloped = false;
  int64_t expires_ms = 0;  // clock time after which it is stale; 0 = only events expire it
  cache::GenerationSnapshot generations;

  size_t charge() const { return head.size() + tail.size() + 256; }
  std::string_view header(std::string_view name) const;
  // The gzip form of head, deflated on first use (nullptr if zlib failed); shared by all hits.
  const GzipPrefix* gzip_head() const;

 private:
  mutable std::once_flag gzip_once_;
  mutable std::optional<GzipPrefix> gzip_;
};

class ResponseCache {
 public:
  ResponseCache(ResponseCacheOptions options, const Clock& clock, MetricsRegistry& metrics);

  // "GET <path>\n<k>=<v>..." with parameters sorted by name (values of one name keep their
  // order), lengths prefixed so no decoded value can forge a separator, then - for routes with
  // alternate representations (by_accept) - the Accept header, absent counting as "*/*".
  // HEAD shares GET's entries. `request` must have path and query parsed.
  static std::string key_for(const HttpRequest& request, bool by_accept);

  // The entry when present and still valid. Counts a hit, or - when count_miss - a miss and
  // removes a stale entry (the server's first look on the I/O thread neither counts nor removes:
  // the handler's look that follows does).
  std::shared_ptr<const CachedResponse> find(const std::string& key, bool count_miss = true);
  // Takes the generations of `tables` - before the handler reads them.
  cache::GenerationSnapshot snapshot(const std::vector<std::string>& tables) {
    return generations_.snapshot(tables);
  }
  // Stores `entry` unless its generations already moved (the answer may predate a write).
  void store(std::string key, std::shared_ptr<CachedResponse> entry);
  // Request coalescing: the first miss of a key claims its fill until the ticket goes away (after
  // the answer is stored, or not); while a fill is claimed, later claims are not leaders, so the
  // server lets other requests for the key wait for the entry instead of all computing it.
  class FillTicket {
   public:
    FillTicket() = default;
    FillTicket(ResponseCache* cache, std::string key) : cache_(cache), key_(std::move(key)) {}
    FillTicket(FillTicket&& other) noexcept
        : cache_(std::exchange(other.cache_, nullptr)), key_(std::move(other.key_)) {}
    FillTicket& operator=(FillTicket&& other) noexcept {
      std::swap(cache_, other.cache_);
      std::swap(key_, other.key_);
      return *this;
    }
    ~FillTicket() {
      if (cache_ != nullptr) cache_->release_fill(key_);
    }
    bool leader() const { return cache_ != nullptr; }

   private:
    ResponseCache* cache_ = nullptr;
    std::string key_;
  };
  FillTicket claim_fill(const std::string& key);

  // Every entry derived from `table` becomes stale (DataChanged for it).
  void invalidate_table(std::string_view table);

  size_t size() const { return lru_.size(); }
  size_t bytes() const { return lru_.bytes(); }
  const Clock& clock() const { return clock_; }

 private:
  void update_gauges();
  void release_fill(const std::string& key);

  const Clock& clock_;
  cache::LruCache<CachedResponse> lru_;
  cache::TableGenerations generations_;
  Counter& hits_;
  Counter& misses_;
  Counter& stale_;
  Counter& evictions_;
  Family<Counter>& invalidations_;
  Gauge& entries_gauge_;
  Gauge& bytes_gauge_;
  mutable std::mutex fill_mutex_;
  std::unordered_set<std::string> fills_;  // GUARDED_BY(fill_mutex_); keys being computed
};

}  // namespace mystocks::gateway
