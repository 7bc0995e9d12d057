#include "cache/table_generations.h"

#include <mutex>

namespace mystocks::cache {

std::atomic<uint64_t>& TableGenerations::counter(std::string_view table) {
  {
    std::shared_lock lock(mutex_);
    if (auto found = counters_.find(table); found != counters_.end()) return *found->second;
  }
  std::unique_lock lock(mutex_);
  auto [slot, inserted] = counters_.try_emplace(std::string(table), nullptr);
  if (inserted) slot->second = std::make_unique<std::atomic<uint64_t>>(0);
  return *slot->second;
}

uint64_t TableGenerations::bump(std::string_view table) {
  return counter(table).fetch_add(1, std::memory_order_acq_rel) + 1;
}

uint64_t TableGenerations::generation(std::string_view table) {
  return counter(table).load(std::memory_order_acquire);
}

GenerationSnapshot TableGenerations::snapshot(const std::vector<std::string>& tables) {
  GenerationSnapshot snapshot;
  snapshot.entries_.reserve(tables.size());
  for (const std::string& table : tables) {
    const std::atomic<uint64_t>& slot = counter(table);
    snapshot.entries_.emplace_back(&slot, slot.load(std::memory_order_acquire));
  }
  return snapshot;
}

}  // namespace mystocks::cache
