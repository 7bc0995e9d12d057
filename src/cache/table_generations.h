// TableGenerations: one monotonically increasing counter per table name, bumped whenever rows of
// that table change (DataChanged). A cached answer remembers the counters of the tables it was
// derived from, read before it was computed; it is valid while none of them moved. Counters are
// created on first use and never removed, so their addresses are stable: a snapshot holds
// pointers and checks validity without a lock.
// Thread-safety: all methods may be called concurrently from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace mystocks::cache {

class GenerationSnapshot {
 public:
  // True while no counter in the snapshot moved since it was taken.
  bool current() const {
    for (const auto& [counter, seen] : entries_) {
      if (counter->load(std::memory_order_acquire) != seen) return false;
    }
    return true;
  }
  bool empty() const { return entries_.empty(); }

 private:
  friend class TableGenerations;
  std::vector<std::pair<const std::atomic<uint64_t>*, uint64_t>> entries_;
};

class TableGenerations {
 public:
  // Moves the table's counter on; returns the new generation.
  uint64_t bump(std::string_view table);
  uint64_t generation(std::string_view table);
  // The current generations of `tables`, to be taken before the answer is computed.
  GenerationSnapshot snapshot(const std::vector<std::string>& tables);

 private:
  std::atomic<uint64_t>& counter(std::string_view table);

  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  mutable std::shared_mutex mutex_;
  // GUARDED_BY(mutex_); the atomics themselves are read and bumped without it
  std::unordered_map<std::string, std::unique_ptr<std::atomic<uint64_t>>, Hash, std::equal_to<>>
      counters_;
};

}  // namespace mystocks::cache
