// ColumnPool: recycles the column vectors of flushed memtables into new memtable heads. Steady
// ingest then writes into memory that is already mapped, instead of page-faulting in some
// hundred MB/s of fresh pages (which cost more than the copying itself). Bounded: it keeps at
// most `max_bytes` of capacity and frees the rest.
// Thread-safety: all methods are synchronised (heads are destroyed on whichever thread drops
// the last reference to a frozen memtable).
#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <mutex>

#include "core/record_batch.h"

namespace mystocks::tsdb {

class ColumnPool {
 public:
  explicit ColumnPool(size_t max_bytes) : max_bytes_(max_bytes) {}

  // Empty values of `type`'s storage with capacity for at least `rows` values.
  ColumnValues take(ColumnType type, size_t rows);
  std::vector<int64_t> take_int64(size_t rows);
  // Returns storage for reuse (its contents are discarded).
  void give(ColumnValues&& values);
  void give_int64(std::vector<int64_t>&& values);

 private:
  static constexpr size_t kKinds = std::variant_size_v<ColumnValues>;
  const size_t max_bytes_;
  mutable std::mutex mutex_;
  std::array<std::multimap<size_t, ColumnValues>, kKinds> free_;  // GUARDED_BY(mutex_), by capacity
  size_t bytes_ = 0;                                               // GUARDED_BY(mutex_)
};

}  // namespace mystocks::tsdb
