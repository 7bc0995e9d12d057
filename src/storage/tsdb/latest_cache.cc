#include "storage/tsdb/latest_cache.h"

#include <algorithm>

namespace mystocks::tsdb {
namespace {

// The newest row of `group` in `batch` (the last one among equal timestamps: last write wins).
LatestRow newest_row(const TableInfo& table, const ValidatedBatch& batch, const SeriesGroup& group) {
  const std::vector<int64_t>& times = batch.columns[table.time_index]->as<int64_t>();
  uint32_t best = group.runs.front().first;
  for (const auto& [begin, end] : group.runs) {
    for (uint32_t row = begin; row < end; ++row) {
      if (times[row] >= times[best]) best = row;
    }
  }
  LatestRow latest;
  latest.tags = group.tags;
  latest.row.ts.push_back(times[best]);
  for (size_t column : table.value_indices) {
    Column value(empty_values_for(table.field(column).type));
    append_column_range(value, batch.columns[column], best, best + 1);
    latest.row.columns.push_back(std::move(value));
  }
  return latest;
}

}  // namespace

void LatestCache::offer(std::map<std::string, LatestRow>& rows, const std::string& key,
                        LatestRow row) {
  auto it = rows.find(key);
  if (it == rows.end()) {
    rows.emplace(key, std::move(row));
  } else if (row.row.ts[0] >= it->second.row.ts[0]) {
    it->second = std::move(row);
  }
}

void LatestCache::on_write(const TableInfo& table, const ValidatedBatch& batch) {
  std::lock_guard lock(mutex_);
  TableCache& cache = tables_[table.name()];
  ++cache.epoch;
  if (!cache.complete && !cache.walking) return;
  for (const SeriesGroup& group : batch.groups) {
    LatestRow row = newest_row(table, batch, group);
    if (cache.walking) offer(cache.pending, group.key, row);
    if (!cache.complete) continue;
    auto it = cache.entries.find(group.key);
    if (it == cache.entries.end()) {
      if (cache.entries.size() >= capacity_) {
        cache.complete = false;  // too many series to cache: every latest() walks
        cache.entries.clear();
        return;
      }
      cache.entries.emplace(group.key, Entry{std::move(row), true, cache.epoch});
    } else if (!it->second.valid) {
      it->second.updated = cache.epoch;  // a recomputation that started earlier is now stale
    } else if (row.row.ts[0] >= it->second.latest.row.ts[0]) {
      it->second.latest = std::move(row);
      it->second.updated = cache.epoch;
    }
  }
}

void LatestCache::on_delete(const TableInfo& table, const DeleteRequest& request) {
  std::lock_guard lock(mutex_);
  TableCache& cache = tables_[table.name()];
  ++cache.epoch;
  if (cache.walking) cache.walk_spoiled = true;
  for (auto& [key, entry] : cache.entries) {
    const std::string& symbol = entry.latest.tags[table.symbol_tag.value_or(0)];
    const bool matches =
        tags_match(request.tag_equals, entry.latest.tags) &&
        (request.symbols.empty() || std::find(request.symbols.begin(), request.symbols.end(),
                                              symbol) != request.symbols.end());
    const int64_t ts = entry.latest.row.ts[0];
    if (matches && ts >= request.range.start && ts < request.range.end) {
      entry.valid = false;
      entry.updated = cache.epoch;
    }
  }
}

void LatestCache::reset(const std::string& table) {
  std::lock_guard lock(mutex_);
  TableCache& cache = tables_[table];
  const uint64_t epoch = cache.epoch + 1;
  cache = TableCache{};
  cache.epoch = epoch;
}

void LatestCache::abandon_walk(const std::string& table) {
  std::lock_guard lock(mutex_);
  TableCache& cache = tables_[table];
  cache.walking = false;
  cache.pending.clear();
}

uint64_t LatestCache::begin_walk(const std::string& table) {
  std::lock_guard lock(mutex_);
  TableCache& cache = tables_[table];
  if (!cache.complete && !cache.walking) {
    cache.walking = true;
    cache.walk_spoiled = false;
    cache.pending.clear();
  }
  return cache.epoch;
}

void LatestCache::finish_walk(const std::string& table, uint64_t epoch,
                              std::map<std::string, LatestRow> rows) {
  std::lock_guard lock(mutex_);
  TableCache& cache = tables_[table];
  if (!cache.walking || cache.complete) return;
  cache.walking = false;
  if (cache.walk_spoiled) return;
  for (auto& [key, row] : cache.pending) offer(rows, key, std::move(row));
  cache.pending.clear();
  if (rows.size() > capacity_) return;
  cache.entries.clear();
  for (auto& [key, row] : rows) cache.entries.emplace(key, Entry{std::move(row), true, epoch});
  cache.complete = true;
}

void LatestCache::refresh(const std::string& table, const std::string& key, uint64_t epoch,
                          std::optional<LatestRow> row) {
  std::lock_guard lock(mutex_);
  TableCache& cache = tables_[table];
  auto it = cache.entries.find(key);
  if (!cache.complete || it == cache.entries.end() || it->second.updated > epoch) return;
  if (!row) {
    cache.entries.erase(it);
    return;
  }
  it->second = Entry{std::move(*row), true, epoch};
}

uint64_t LatestCache::epoch(const std::string& table) {
  std::lock_guard lock(mutex_);
  return tables_[table].epoch;
}

}  // namespace mystocks::tsdb
