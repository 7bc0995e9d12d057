#include "storage/tsdb/segment_cache.h"

namespace mystocks::tsdb {

SegmentCache::SegmentCache(size_t capacity, MetricsRegistry* metrics) : capacity_(capacity) {
  if (metrics != nullptr) {
    auto& family = metrics->counter("tsdb_segment_cache_lookups_total",
                                    "tsdb segment reader cache lookups", {"result"});
    hits_ = &family.with({"hit"});
    misses_ = &family.with({"miss"});
  }
}

Result<std::shared_ptr<const SegmentReader>> SegmentCache::get(const SegmentHandle& segment) {
  const uint64_t number = segment.meta().file_number;
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(number);
    if (it != entries_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second.position);
      if (hits_ != nullptr) hits_->inc();
      return it->second.reader;
    }
  }
  if (misses_ != nullptr) misses_->inc();
  Result<std::shared_ptr<const SegmentReader>> reader = SegmentReader::open(segment.path());
  if (!reader.is_ok()) return reader.status();
  std::lock_guard lock(mutex_);
  auto it = entries_.find(number);
  if (it != entries_.end()) return it->second.reader;  // another thread won the race
  lru_.push_front(number);
  entries_.emplace(number, Entry{*reader, lru_.begin()});
  while (entries_.size() > capacity_) {
    entries_.erase(lru_.back());
    lru_.pop_back();
  }
  return *reader;
}

void SegmentCache::erase(uint64_t file_number) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(file_number);
  if (it == entries_.end()) return;
  lru_.erase(it->second.position);
  entries_.erase(it);
}

size_t SegmentCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

size_t SegmentCache::memory_bytes() const {
  std::lock_guard lock(mutex_);
  size_t total = 0;
  for (const auto& [number, entry] : entries_) total += entry.reader->index().memory_bytes();
  return total;
}

}  // namespace mystocks::tsdb
