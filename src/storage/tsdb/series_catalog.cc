#include "storage/tsdb/series_catalog.h"

#include <algorithm>
#include <bit>

#include "storage/tsdb/memtable.h"
#include "storage/tsdb/table_reader.h"

namespace mystocks::tsdb {
namespace {

// `symbols` is sorted (SeriesFilter's): thousands of symbols stay a binary search each.
bool wanted(const std::vector<std::string>& symbols, const std::string& symbol) {
  return symbols.empty() || std::binary_search(symbols.begin(), symbols.end(), symbol);
}

// Marks `day` in the entry's bitmap; false when it lies before the bitmap's start.
bool set_day(SeriesCatalog::Entry& entry, int32_t day) {
  if (entry.day_bits.empty()) entry.base_day = day;
  if (day < entry.base_day) return false;
  const size_t bit = static_cast<size_t>(day - entry.base_day);
  if (bit / 64 >= entry.day_bits.size()) entry.day_bits.resize(bit / 64 + 1, 0);
  entry.day_bits[bit / 64] |= uint64_t{1} << (bit % 64);
  return true;
}

}  // namespace

void SeriesCatalog::Entry::add_day(int32_t day, int64_t day_rows, int64_t min_ts,
                                   int64_t max_ts) {
  if (day_rows <= 0) return;
  if (!day_bits.empty() && day < base_day) {
    // Days arrive in any order while building: re-base the bitmap on the earlier day.
    const std::vector<int32_t> held = days();
    day_bits.clear();
    set_day(*this, day);
    for (int32_t other : held) set_day(*this, other);
  } else {
    set_day(*this, day);
  }
  rows += day_rows;
  first_ts = std::min(first_ts, min_ts);
  last_ts = std::max(last_ts, max_ts);
}

std::vector<int32_t> SeriesCatalog::Entry::days() const {
  std::vector<int32_t> out;
  for (size_t word = 0; word < day_bits.size(); ++word) {
    for (uint64_t bits = day_bits[word]; bits != 0; bits &= bits - 1) {
      out.push_back(base_day + static_cast<int32_t>(word * 64) + std::countr_zero(bits));
    }
  }
  return out;
}

bool SeriesCatalog::tracking(const std::string& table) const {
  std::lock_guard lock(mutex_);
  return tables_.contains(table);
}

void SeriesCatalog::install(const std::string& table, Entries entries) {
  std::lock_guard lock(mutex_);
  tables_[table] = std::move(entries);
}

void SeriesCatalog::replace(const std::string& table, const TableInfo& info,
                            const std::string& symbol, Entries recounted) {
  std::lock_guard lock(mutex_);
  auto found = tables_.find(table);
  if (found == tables_.end()) return;
  Entries& entries = found->second;
  for (auto entry = entries.begin(); entry != entries.end();) {
    if (series_symbol(info, entry->second.tags) != symbol) {
      ++entry;
      continue;
    }
    auto fresh = recounted.find(entry->first);
    if (fresh != recounted.end()) {
      fresh->second.last_write_ms = std::max(fresh->second.last_write_ms, entry->second.last_write_ms);
    }
    entry = entries.erase(entry);
  }
  for (auto& [key, entry] : recounted) entries[key] = std::move(entry);
}

void SeriesCatalog::on_write(const TableInfo& table, const ValidatedBatch& batch, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto found = tables_.find(table.name());
  if (found == tables_.end()) return;
  const std::vector<int64_t>& times = batch.columns[table.time_index]->as<int64_t>();
  for (const SeriesGroup& group : batch.groups) {
    auto [position, added] = found->second.try_emplace(group.key);
    Entry& entry = position->second;
    if (added) entry.tags = group.tags;
    entry.last_write_ms = std::max(entry.last_write_ms, now_ms);
    if (entry.stale) continue;  // the recount will see these rows
    for (const auto& [begin, end] : group.runs) {
      for (uint32_t row = begin; row < end && !entry.stale; ++row) {
        const int64_t ts = times[row];
        // At or before the last row: a replacement or an out-of-order row; only a recount
        // can tell whether it adds a row or a day.
        if (ts <= entry.last_ts || !set_day(entry, day_of(ts))) {
          entry.stale = true;
          break;
        }
        ++entry.rows;
        entry.first_ts = std::min(entry.first_ts, ts);
        entry.last_ts = ts;
      }
    }
  }
}

void SeriesCatalog::on_delete(const TableInfo& table, const DeleteRequest& request) {
  std::lock_guard lock(mutex_);
  auto found = tables_.find(table.name());
  if (found == tables_.end()) return;
  const Tombstone tombstone = Tombstone::of(request);
  Entries& entries = found->second;
  for (auto entry = entries.begin(); entry != entries.end();) {
    Entry& summary = entry->second;
    const bool matches = tombstone_matches(tombstone, table, summary.tags);
    const bool touches = summary.stale || (summary.first_ts < request.range.end &&
                                           summary.last_ts >= request.range.start);
    if (!matches || !touches) {
      ++entry;
      continue;
    }
    if (!summary.stale && request.range.start <= summary.first_ts &&
        summary.last_ts < request.range.end) {
      entry = entries.erase(entry);  // every row of the series is gone
      continue;
    }
    summary.stale = true;
    ++entry;
  }
}

std::vector<std::string> SeriesCatalog::stale_symbols(
    const TableInfo& table, const std::vector<std::string>& symbols) const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  auto found = tables_.find(table.name());
  if (found == tables_.end()) return out;
  for (const auto& [key, entry] : found->second) {
    const std::string& symbol = series_symbol(table, entry.tags);
    if (entry.stale && wanted(symbols, symbol) &&
        std::find(out.begin(), out.end(), symbol) == out.end()) {
      out.push_back(symbol);
    }
  }
  return out;
}

std::vector<storage::SeriesSummary> SeriesCatalog::summaries(
    const TableInfo& table, const std::vector<std::string>& symbols) const {
  std::lock_guard lock(mutex_);
  std::vector<storage::SeriesSummary> out;
  auto found = tables_.find(table.name());
  if (found == tables_.end()) return out;
  for (const auto& [key, entry] : found->second) {
    const std::string& symbol = series_symbol(table, entry.tags);
    if (!wanted(symbols, symbol) || entry.rows == 0) continue;
    out.push_back(storage::SeriesSummary{.tags = entry.tags,
                                         .symbol = symbol,
                                         .rows = entry.rows,
                                         .first_ms = entry.first_ts,
                                         .last_ms = entry.last_ts,
                                         .last_write_ms = entry.last_write_ms,
                                         .days = entry.days()});
  }
  return out;
}

}  // namespace mystocks::tsdb
