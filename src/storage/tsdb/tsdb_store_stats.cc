// TsdbStore::stats: rows (exact), series, bytes on disk, raw size and ratio, per column.
#include <algorithm>
#include <set>

#include "storage/tsdb/column_codec.h"
#include "storage/tsdb/tsdb_store.h"

namespace mystocks::tsdb {

Result<storage::TableStats> TsdbStore::stats(const std::string& table_name) {
  Result<std::shared_ptr<const TableInfo>> table = require_table(table_name);
  if (!table.is_ok()) return table.status();
  const TableInfo& info = **table;
  const ReadView view = read_view(*table, {}, SeriesFilter{}, {INT64_MIN, INT64_MAX});

  storage::TableStats stats;
  stats.table = table_name;
  std::vector<storage::ColumnStats> columns(info.column_count());
  for (size_t column = 0; column < info.column_count(); ++column) {
    columns[column].name = info.field(column).name;
  }
  std::set<std::string> series;
  // Days that need an exact merge: several segments, or memtable rows or tombstones nearby.
  std::set<int32_t> merge_days;
  auto note_memtable = [&](const TableMemtable& entry) {
    for (const auto& [key, head] : entry.series) {
      series.insert(key);
      for (int32_t day = day_of(head->min_ts()); day <= day_of(head->max_ts()); ++day) {
        merge_days.insert(day);
      }
    }
    return !entry.tombstones.empty();
  };
  bool tombstones = false;
  for (const auto& memtable : view.frozen) {
    if (const TableMemtable* entry = memtable->table(table_name)) tombstones |= note_memtable(*entry);
  }
  for (const auto& [key, active] : view.active) {
    series.insert(key);
    for (int64_t ts : active.rows.ts) merge_days.insert(day_of(ts));
  }
  tombstones |= !view.active_tombstones.empty();

  const TableVersion* version = view.version->table(table_name);
  if (version != nullptr) {
    for (const auto& [day, segments] : version->days) {
      const bool exact_from_index = segments.size() == 1 && !tombstones && !merge_days.contains(day);
      for (const SegmentPtr& segment : segments) {
        Result<std::shared_ptr<const SegmentReader>> reader = segments_.get(*segment);
        if (!reader.is_ok()) return reader.status();
        const SegmentIndex& index = (*reader)->index();
        stats.bytes_on_disk += static_cast<int64_t>(segment->meta().file_bytes);
        if (exact_from_index) stats.rows += static_cast<int64_t>(segment->meta().rows);
        for (size_t entry = 0; entry < index.series_count(); ++entry) {
          const std::string_view key = index.key(entry);
          series.emplace(key);
          const int64_t rows = index.rows[entry];
          // Tags are stored once per series but count as a column per row in raw size.
          const std::vector<std::string> tags = split_series_key(key);
          for (size_t tag = 0; tag < tags.size() && tag < info.tag_indices.size(); ++tag) {
            columns[info.tag_indices[tag]].raw_bytes += rows * static_cast<int64_t>(tags[tag].size() + 4);
          }
          for (size_t position = 0; position < index.columns.size(); ++position) {
            std::optional<size_t> column = info.column_index(index.columns[position].name);
            if (!column) continue;
            columns[*column].bytes_on_disk += index.block_length(entry, position);
            columns[*column].raw_bytes +=
                rows * static_cast<int64_t>(raw_value_bytes(index.columns[position].type));
          }
        }
      }
      if (!exact_from_index) merge_days.insert(day);
    }
  }
  // Exact rows for the days where sources overlap: merge their timestamps.
  for (int32_t day : merge_days) {
    TableReader reader(view, segments_, {}, SeriesFilter{}, day_range(day));
    MYSTOCKS_RETURN_IF_ERROR(reader.prepare());
    for (size_t entry = 0; entry < reader.series_count(); ++entry) {
      MYSTOCKS_RETURN_IF_ERROR(reader.visit_days(entry, false, [&](int32_t, SeriesRows&& rows) {
        stats.rows += static_cast<int64_t>(rows.size());
        return true;
      }));
    }
  }
  stats.series = static_cast<int64_t>(series.size());
  for (const storage::ColumnStats& column : columns) stats.raw_bytes += column.raw_bytes;
  stats.compression_ratio = stats.bytes_on_disk > 0
                                ? static_cast<double>(stats.raw_bytes) / static_cast<double>(stats.bytes_on_disk)
                                : 0.0;
  stats.columns = std::move(columns);
  return stats;
}

}  // namespace mystocks::tsdb
