#include "storage/tsdb/table_reader.h"

#include <algorithm>

#include "core/timestamp.h"
#include "storage/tsdb/batch_validation.h"

namespace mystocks::tsdb {

int32_t day_of(int64_t ts) {
  // Query bounds may be INT64_MIN/MAX; no row lies outside the accepted range anyway.
  return shanghai_date(std::clamp(ts, kMinTimestamp - kMillisPerDay, kMaxTimestamp + kMillisPerDay)).days;
}

storage::TimeRange day_range(int32_t day) {
  const int64_t start = int64_t{day} * kMillisPerDay - kShanghaiOffsetMs;
  return {start, start + kMillisPerDay};
}

bool SeriesFilter::matches(const TableInfo& table, const std::vector<std::string>& tags) const {
  if (!symbols.empty() &&
      !std::binary_search(symbols.begin(), symbols.end(), series_symbol(table, tags))) {
    return false;
  }
  for (const auto& [position, value] : tag_equals) {
    if (tags[position] != value) return false;
  }
  return true;
}

TableReader::TableReader(const ReadView& view, SegmentCache& cache, ValueSelection selection,
                         SeriesFilter filter, storage::TimeRange range)
    : view_(view),
      cache_(cache),
      selection_(std::move(selection)),
      filter_(std::move(filter)),
      range_(range) {}

TableReader::SeriesEntry& TableReader::entry_for(const std::string& key,
                                                 std::vector<std::string> tags) {
  auto [it, inserted] = position_of_.emplace(key, series_.size());
  if (inserted) series_.push_back(SeriesEntry{key, std::move(tags), {}});
  return series_[it->second];
}

Status TableReader::prepare() {
  if (range_.start >= range_.end) return Status::ok();
  const TableInfo& table = *view_.table;
  // A symbol filter on the first tag is a key-prefix lookup: no need to walk every series.
  const bool prefix_lookup = !filter_.symbols.empty() && table.symbol_tag.value_or(0) == 0;
  const TableVersion* version = view_.version->table(table.name());
  if (version != nullptr) {
    const int32_t first_day = day_of(range_.start);
    const int32_t last_day = day_of(range_.end - 1);
    for (auto day = version->days.lower_bound(first_day);
         day != version->days.end() && day->first <= last_day; ++day) {
      for (const SegmentPtr& segment : day->second) {
        if (segment->meta().max_ts < range_.start || segment->meta().min_ts >= range_.end) continue;
        Result<std::shared_ptr<const SegmentReader>> reader = cache_.get(*segment);
        if (!reader.is_ok()) return reader.status();
        const SegmentIndex& index = (*reader)->index();
        auto consider = [&](size_t position) {
          if (index.max_ts[position] < range_.start || index.min_ts[position] >= range_.end) return;
          const std::string key(index.key(position));
          auto known = position_of_.find(key);
          SeriesEntry* entry = nullptr;
          if (known != position_of_.end()) {
            entry = &series_[known->second];
          } else {
            std::vector<std::string> tags = split_series_key(key);
            if (tags.size() != table.tag_indices.size() || !filter_.matches(table, tags)) return;
            entry = &entry_for(key, std::move(tags));
          }
          entry->segments.push_back(
              SegmentSource{day->first, segment->meta().generation, *reader, position});
        };
        if (prefix_lookup) {
          for (const std::string& symbol : filter_.symbols) {
            // Keys of this symbol are `symbol` alone or `symbol\0...`: a contiguous key range.
            size_t position = index.find(symbol);
            if (position == SIZE_MAX) {
              std::string prefix = symbol;
              prefix.push_back('\0');
              size_t low = 0;
              size_t high = index.series_count();
              while (low < high) {
                const size_t middle = (low + high) / 2;
                if (index.key(middle) < std::string_view(prefix)) low = middle + 1; else high = middle;
              }
              position = low;
            }
            for (; position < index.series_count(); ++position) {
              const std::string_view key = index.key(position);
              if (!(key == symbol || (key.size() > symbol.size() && key.starts_with(symbol) &&
                                      key[symbol.size()] == '\0'))) {
                break;
              }
              consider(position);
            }
          }
        } else {
          for (size_t position = 0; position < index.series_count(); ++position) consider(position);
        }
      }
    }
  }
  for (const std::shared_ptr<const Memtable>& memtable : view_.frozen) {
    const TableMemtable* entry = memtable->table(table.name());
    if (entry == nullptr) continue;
    for (const auto& [key, head] : entry->series) {
      if (head->max_ts() < range_.start || head->min_ts() >= range_.end) continue;
      if (position_of_.contains(key) || filter_.matches(table, head->tags())) {
        entry_for(key, head->tags());
      }
    }
  }
  for (const auto& [key, active] : view_.active) {
    if (!active.rows.empty()) entry_for(key, active.tags);
  }
  // Key order is the promised output order (symbol, then other tags).
  std::vector<size_t> order(series_.size());
  for (size_t index = 0; index < order.size(); ++index) order[index] = index;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return series_[a].key < series_[b].key; });
  std::vector<SeriesEntry> sorted;
  sorted.reserve(series_.size());
  for (size_t index : order) sorted.push_back(std::move(series_[index]));
  series_ = std::move(sorted);
  position_of_.clear();
  for (SeriesEntry& entry : series_) {
    std::sort(entry.segments.begin(), entry.segments.end(),
              [](const SegmentSource& a, const SegmentSource& b) {
                return a.day != b.day ? a.day < b.day : a.generation < b.generation;
              });
  }
  return Status::ok();
}

std::vector<storage::TimeRange> TableReader::hidden_ranges(const std::vector<std::string>& tags,
                                                           size_t first_frozen) const {
  std::vector<storage::TimeRange> hidden;
  const std::string& table = view_.table->name();
  for (size_t index = first_frozen; index < view_.frozen.size(); ++index) {
    const TableMemtable* entry = view_.frozen[index]->table(table);
    if (entry == nullptr) continue;
    for (const Tombstone& tombstone : entry->tombstones) {
      if (tombstone_matches(tombstone, *view_.table, tags)) hidden.push_back(tombstone.range);
    }
  }
  for (const Tombstone& tombstone : view_.active_tombstones) {
    if (tombstone_matches(tombstone, *view_.table, tags)) hidden.push_back(tombstone.range);
  }
  return hidden;
}

Status TableReader::visit_days(size_t series, bool descending, const DayVisitor& visit) const {
  const SeriesEntry& entry = series_[series];
  const TableInfo& table = *view_.table;

  // Memtable sources, oldest first: frozen memtables, then the active copy.
  struct MemSource {
    SeriesRows rows;
    std::vector<storage::TimeRange> hidden;
  };
  std::vector<MemSource> memory;
  for (size_t index = 0; index < view_.frozen.size(); ++index) {
    const TableMemtable* table_entry = view_.frozen[index]->table(table.name());
    if (table_entry == nullptr) continue;
    auto head = table_entry->series.find(entry.key);
    if (head == table_entry->series.end()) continue;
    SeriesRows rows = head->second->read(selection_, range_);
    if (!rows.empty())
      memory.push_back(MemSource{std::move(rows), hidden_ranges(entry.tags, index + 1)});
  }
  auto active = view_.active.find(entry.key);
  if (active != view_.active.end() && !active->second.rows.empty()) {
    memory.push_back(MemSource{active->second.rows, {}});
  }
  const std::vector<storage::TimeRange> segment_hidden = hidden_ranges(entry.tags, 0);

  std::vector<int32_t> days;
  for (const SegmentSource& source : entry.segments) days.push_back(source.day);
  for (const MemSource& source : memory) {
    for (size_t row = 0; row < source.rows.ts.size();) {
      const int32_t day = day_of(source.rows.ts[row]);
      days.push_back(day);
      const int64_t next = day_range(day).end;
      row = static_cast<size_t>(
          std::lower_bound(source.rows.ts.begin() + static_cast<std::ptrdiff_t>(row),
                           source.rows.ts.end(), next) -
          source.rows.ts.begin());
    }
  }
  std::sort(days.begin(), days.end());
  days.erase(std::unique(days.begin(), days.end()), days.end());
  if (descending) std::reverse(days.begin(), days.end());

  for (int32_t day : days) {
    const storage::TimeRange span = day_range(day);
    const storage::TimeRange wanted{std::max(span.start, range_.start), std::min(span.end, range_.end)};
    std::vector<MergeSource> sources;
    for (const SegmentSource& source : entry.segments) {
      if (source.day != day) continue;
      Result<SeriesRows> rows = source.reader->read(source.position, table, selection_, wanted);
      if (!rows.is_ok()) return rows.status();
      sources.push_back(MergeSource{std::move(*rows), segment_hidden});
    }
    for (const MemSource& source : memory) {
      SeriesRows rows = slice_by_time(source.rows, wanted);
      if (!rows.empty()) sources.push_back(MergeSource{std::move(rows), source.hidden});
    }
    SeriesRows merged = merge_sources(std::move(sources), table, selection_);
    if (merged.empty()) continue;
    if (!visit(day, std::move(merged))) break;
  }
  return Status::ok();
}

}  // namespace mystocks::tsdb
