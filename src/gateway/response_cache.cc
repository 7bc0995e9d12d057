#include "gateway/response_cache.h"

#include <algorithm>

namespace mystocks::gateway {

std::string_view CachedResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return {};
}

const GzipPrefix* CachedResponse::gzip_head() const {
  std::call_once(gzip_once_, [this] { gzip_ = gzip_prefix(head); });
  return gzip_ ? &*gzip_ : nullptr;
}

ResponseCache::ResponseCache(ResponseCacheOptions options, const Clock& clock,
                             MetricsRegistry& metrics)
    : clock_(clock),
      lru_({.max_entries = options.max_entries,
            .max_bytes = options.max_bytes,
            .shards = options.shards}),
      hits_(metrics
                .counter("mystocks_response_cache_hits_total",
                         "GET answers served from the response cache.")
                .get()),
      misses_(metrics
                  .counter("mystocks_response_cache_misses_total",
                           "Cacheable GET requests the cache could not answer, by reason "
                           "(absent; stale: its tables changed or its TTL passed).",
                           {"reason"})
                  .with({"absent"})),
      stale_(
          metrics.counter("mystocks_response_cache_misses_total", "", {"reason"}).with({"stale"})),
      evictions_(metrics
                     .counter("mystocks_response_cache_evictions_total",
                              "Entries pushed out by the entry or byte bound (LRU).")
                     .get()),
      invalidations_(metrics.counter("mystocks_response_cache_invalidations_total",
                                     "Table generation bumps (DataChanged events), by table.",
                                     {"table"})),
      entries_gauge_(
          metrics.gauge("mystocks_response_cache_entries", "Entries in the response cache.").get()),
      bytes_gauge_(metrics
                       .gauge("mystocks_response_cache_bytes",
                              "Bytes charged to the response cache's entries.")
                       .get()) {}

std::string ResponseCache::key_for(const HttpRequest& request, bool by_accept) {
  std::string key;
  key.reserve(request.path.size() + request.target.size() + 32);
  key +=
      request.method == HttpMethod::kHead ? std::string_view("GET") : method_name(request.method);
  key += ' ';
  key += request.path;
  key += '\n';
  // The multimap is ordered by name and keeps arrival order within a name: canonical already.
  for (const auto& [name, value] : request.query) {
    key += std::to_string(name.size());
    key += ':';
    key += name;
    key += std::to_string(value.size());
    key += '=';
    key += value;
  }
  if (by_accept) {
    const std::string_view accept = request.header("accept");
    key += '\n';
    key += accept.empty() ? std::string_view("*/*") : accept;
  }
  return key;
}

std::shared_ptr<const CachedResponse> ResponseCache::find(const std::string& key, bool count_miss) {
  std::shared_ptr<const CachedResponse> entry = lru_.get(key);
  if (entry == nullptr) {
    if (count_miss) misses_.inc();
    return nullptr;
  }
  const bool expired = entry->expires_ms > 0 && clock_.now_ms() >= entry->expires_ms;
  if (expired || !entry->generations.current()) {
    if (count_miss) {  // a first look leaves it: the counted look that follows drops it
      lru_.erase_if_same(key, entry.get());
      update_gauges();
      stale_.inc();
    }
    return nullptr;
  }
  hits_.inc();
  return entry;
}

void ResponseCache::store(std::string key, std::shared_ptr<CachedResponse> entry) {
  if (!entry->generations.current()) return;  // a write landed while it was computed
  const size_t charge = entry->charge();
  const auto result = lru_.put(std::move(key), std::move(entry), charge);
  if (result.evicted > 0) evictions_.inc(static_cast<double>(result.evicted));
  update_gauges();
}

void ResponseCache::invalidate_table(std::string_view table) {
  generations_.bump(table);
  invalidations_.with({std::string(table)}).inc();
}

ResponseCache::FillTicket ResponseCache::claim_fill(const std::string& key) {
  std::lock_guard lock(fill_mutex_);
  if (!fills_.insert(key).second) return {};
  return FillTicket(this, key);
}

void ResponseCache::release_fill(const std::string& key) {
  std::lock_guard lock(fill_mutex_);
  fills_.erase(key);
}

void ResponseCache::update_gauges() {
  entries_gauge_.set(static_cast<double>(lru_.size()));
  bytes_gauge_.set(static_cast<double>(lru_.bytes()));
}

}  // namespace mystocks::gateway
