#include "storage/tsdb/column_pool.h"

#include <algorithm>

namespace mystocks::tsdb {
namespace {

size_t capacity_of(const ColumnValues& values) {
  return std::visit([](const auto& vector) { return vector.capacity(); }, values);
}

size_t bytes_of(const ColumnValues& values) {
  return std::visit(
      [](const auto& vector) {
        return vector.capacity() * sizeof(typename std::decay_t<decltype(vector)>::value_type);
      },
      values);
}

// Pooled vectors at most this much bigger than asked for are handed out; bigger ones would
// waste memory on a small head.
constexpr size_t kMaxOversize = 8;

}  // namespace

ColumnValues ColumnPool::take(ColumnType type, size_t rows) {
  ColumnValues values = empty_values_for(type);
  const size_t kind = values.index();
  {
    std::lock_guard lock(mutex_);
    auto& free = free_[kind];
    auto it = free.lower_bound(rows);
    if (it != free.end() && it->first <= std::max<size_t>(rows, 512) * kMaxOversize) {
      values = std::move(it->second);
      bytes_ -= bytes_of(values);
      free.erase(it);
      return values;
    }
  }
  std::visit([rows](auto& vector) { vector.reserve(rows); }, values);
  return values;
}

std::vector<int64_t> ColumnPool::take_int64(size_t rows) {
  return std::get<std::vector<int64_t>>(take(ColumnType::kInt64, rows));
}

void ColumnPool::give(ColumnValues&& values) {
  std::visit([](auto& vector) { vector.clear(); }, values);
  const size_t bytes = bytes_of(values);
  if (bytes == 0) return;
  std::lock_guard lock(mutex_);
  if (bytes_ + bytes > max_bytes_) return;  // over the bound: let it be freed
  bytes_ += bytes;
  free_[values.index()].emplace(capacity_of(values), std::move(values));
}

void ColumnPool::give_int64(std::vector<int64_t>&& values) {
  give(ColumnValues(std::move(values)));
}

}  // namespace mystocks::tsdb
