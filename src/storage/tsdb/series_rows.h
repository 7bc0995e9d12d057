// SeriesRows: rows of one series sorted by ts with unique ts — what every source (a memtable
// head, a segment chunk) yields and what queries consume — and merge_sources(), which combines a
// series' sources by precedence (newest wins per ts) and hides rows covered by newer tombstones.
// A column selection names value columns by position in TableInfo::value_indices.
// Value types: one owner each; pure functions.
#pragma once

#include <cstdint>
#include <vector>

#include "core/record_batch.h"
#include "storage/time_series_store.h"
#include "storage/tsdb/table_info.h"

namespace mystocks::tsdb {

using ValueSelection = std::vector<size_t>;  // positions in TableInfo::value_indices

struct SeriesRows {
  std::vector<int64_t> ts;
  std::vector<Column> columns;  // one per selected value column, ts.size() values each

  size_t size() const { return ts.size(); }
  bool empty() const { return ts.empty(); }
};

// Empty rows with one empty column of the right storage per selected column.
SeriesRows empty_series_rows(const TableInfo& table, const ValueSelection& selection);

// An empty column with the same storage as `column`.
Column empty_column_like(const Column& column);

// Appends rows [begin, end) of `source` (or `count` nulls when source is nullptr) to `target`,
// keeping validity consistent (materialised only when a null appears).
void append_column_range(Column& target, const Column* source, size_t begin, size_t end);
void append_null_values(Column& target, size_t count);

// Appends the listed rows of `source` to `target` in the given order.
void append_column_rows(Column& target, const Column& source, const std::vector<uint32_t>& rows);

// The rows of `rows` whose ts is in [range.start, range.end).
SeriesRows slice_by_time(SeriesRows rows, storage::TimeRange range);

struct MergeSource {
  SeriesRows rows;
  // Ranges hidden by tombstones newer than this source.
  std::vector<storage::TimeRange> hidden;
};

// Merges sources listed oldest first: for each ts the newest source holding it wins, unless a
// range in that source's `hidden` covers the ts (then no row is visible at that ts).
SeriesRows merge_sources(std::vector<MergeSource> sources, const TableInfo& table,
                         const ValueSelection& selection);

}  // namespace mystocks::tsdb
