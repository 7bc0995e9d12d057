// SegmentCache: a bounded LRU of open SegmentReaders (descriptor + parsed index) keyed by file
// number, so repeated queries do not re-read and re-parse indexes. Bounded by entry count
// (tsdb.segment_cache_entries); a reader in use stays valid after eviction (shared_ptr).
// Thread-safety: all methods may be called concurrently; files are opened outside the lock.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "core/metrics.h"
#include "core/status.h"
#include "storage/tsdb/segment_reader.h"
#include "storage/tsdb/version.h"

namespace mystocks::tsdb {

class SegmentCache {
 public:
  SegmentCache(size_t capacity, MetricsRegistry* metrics);

  Result<std::shared_ptr<const SegmentReader>> get(const SegmentHandle& segment);
  void erase(uint64_t file_number);
  size_t size() const;
  size_t memory_bytes() const;  // parsed indexes held

 private:
  struct Entry {
    std::shared_ptr<const SegmentReader> reader;
    std::list<uint64_t>::iterator position;
  };
  const size_t capacity_;
  Counter* hits_ = nullptr;
  Counter* misses_ = nullptr;
  mutable std::mutex mutex_;
  std::list<uint64_t> lru_;                       // GUARDED_BY(mutex_), most recent first
  std::unordered_map<uint64_t, Entry> entries_;   // GUARDED_BY(mutex_)
};

}  // namespace mystocks::tsdb
