// LruCache: a bounded, sharded, thread-safe least-recently-used map from string keys to shared
// immutable values. Each entry has a charge (its bytes); a shard evicts from its cold end until
// it is within max_entries / shards entries and max_bytes / shards bytes. A value whose charge
// exceeds a shard's byte budget is not stored. Values are shared_ptr<const V>, so a reader keeps
// its value alive after an eviction and nothing is copied under the lock.
// Thread-safety: every method may be called concurrently from any thread (one mutex per shard,
// held only for list and map updates; values are never built or destroyed under it except for
// the reference-count drop of an evicted entry).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mystocks::cache {

struct LruOptions {
  size_t max_entries = 10000;    // whole cache; each shard gets an equal share (at least 1)
  size_t max_bytes = 64u << 20;  // whole cache, by entry charge; each shard an equal share
  size_t shards = 16;            // 1 gives exact global LRU order (tests)
};

template <typename V>
class LruCache {
 public:
  using Value = std::shared_ptr<const V>;

  explicit LruCache(LruOptions options)
      : shard_entries_(
            std::max<size_t>(1, options.max_entries / std::max<size_t>(1, options.shards))),
        shard_bytes_(std::max<size_t>(1, options.max_bytes / std::max<size_t>(1, options.shards))),
        shards_(std::max<size_t>(1, options.shards)) {}

  // The value and a refresh of its recency, or nullptr.
  Value get(std::string_view key) {
    Shard& shard = shard_for(key);
    std::lock_guard lock(shard.mutex);
    auto found = shard.index.find(key);
    if (found == shard.index.end()) return nullptr;
    shard.order.splice(shard.order.begin(), shard.order, found->second);
    return found->second->value;
  }

  struct PutResult {
    bool stored = false;
    size_t evicted = 0;  // other entries pushed out to make room (a replaced key is not counted)
  };
  // Inserts or replaces `key`, making it the most recently used.
  PutResult put(std::string key, Value value, size_t charge) {
    Shard& shard = shard_for(key);
    PutResult result;
    std::vector<Value> dropped;  // released after the lock
    std::lock_guard lock(shard.mutex);
    if (auto found = shard.index.find(std::string_view(key)); found != shard.index.end()) {
      dropped.push_back(std::move(found->second->value));
      remove(shard, found->second);
    }
    if (charge > shard_bytes_) return result;
    shard.order.push_front(Node{std::move(key), std::move(value), charge});
    shard.index.emplace(std::string_view(shard.order.front().key), shard.order.begin());
    shard.bytes += charge;
    while (shard.order.size() > shard_entries_ || shard.bytes > shard_bytes_) {
      auto cold = std::prev(shard.order.end());
      dropped.push_back(std::move(cold->value));
      remove(shard, cold);
      ++result.evicted;
    }
    result.stored = true;
    return result;
  }

  // Removes `key` when it still maps to `expected` (a newer value stays); true if removed.
  bool erase_if_same(std::string_view key, const V* expected) {
    Shard& shard = shard_for(key);
    Value dropped;
    std::lock_guard lock(shard.mutex);
    auto found = shard.index.find(key);
    if (found == shard.index.end() || found->second->value.get() != expected) return false;
    dropped = std::move(found->second->value);
    remove(shard, found->second);
    return true;
  }

  size_t size() const {
    size_t total = 0;
    for (const Shard& shard : shards_) {
      std::lock_guard lock(shard.mutex);
      total += shard.order.size();
    }
    return total;
  }
  size_t bytes() const {
    size_t total = 0;
    for (const Shard& shard : shards_) {
      std::lock_guard lock(shard.mutex);
      total += shard.bytes;
    }
    return total;
  }
  // Keys from most to least recently used, shard by shard (tests and debugging).
  std::vector<std::string> keys() const {
    std::vector<std::string> out;
    for (const Shard& shard : shards_) {
      std::lock_guard lock(shard.mutex);
      for (const Node& node : shard.order) out.push_back(node.key);
    }
    return out;
  }

 private:
  struct Node {
    std::string key;
    Value value;
    size_t charge;
  };
  using Order = std::list<Node>;
  struct Shard {
    mutable std::mutex mutex;
    Order order;  // GUARDED_BY(mutex); front = most recently used
    // GUARDED_BY(mutex); keys view the node's own string (list nodes never move)
    std::unordered_map<std::string_view, typename Order::iterator> index;
    size_t bytes = 0;  // GUARDED_BY(mutex)
  };

  static void remove(Shard& shard, typename Order::iterator node) {  // REQUIRES: shard.mutex
    shard.bytes -= node->charge;
    shard.index.erase(std::string_view(node->key));
    shard.order.erase(node);
  }
  Shard& shard_for(std::string_view key) {
    return shards_[std::hash<std::string_view>{}(key) % shards_.size()];
  }

  const size_t shard_entries_;
  const size_t shard_bytes_;
  std::vector<Shard> shards_;
};

}  // namespace mystocks::cache
