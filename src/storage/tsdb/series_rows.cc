#include "storage/tsdb/series_rows.h"

#include <algorithm>
#include <limits>

namespace mystocks::tsdb {
namespace {

bool covered(const std::vector<storage::TimeRange>& ranges, int64_t ts) {
  for (const storage::TimeRange& range : ranges) {
    if (ts >= range.start && ts < range.end) return true;
  }
  return false;
}


}  // namespace

Column empty_column_like(const Column& column) {
  return Column(std::visit(
      [](const auto& values) -> ColumnValues { return std::decay_t<decltype(values)>{}; },
      column.values()));
}

SeriesRows empty_series_rows(const TableInfo& table, const ValueSelection& selection) {
  SeriesRows rows;
  rows.columns.reserve(selection.size());
  for (size_t position : selection) {
    rows.columns.emplace_back(empty_values_for(table.field(table.value_indices[position]).type));
  }
  return rows;
}

void append_null_values(Column& target, size_t count) {
  if (count == 0) return;
  target.mutable_validity().resize(target.size(), 1);
  std::visit([count](auto& values) { values.resize(values.size() + count); },
             target.mutable_values());
  target.mutable_validity().resize(target.size(), 0);
}

void append_column_range(Column& target, const Column* source, size_t begin, size_t end) {
  if (source == nullptr) {
    append_null_values(target, end - begin);
    return;
  }
  const size_t before = target.size();
  std::visit(
      [&](auto& values) {
        using Vector = std::decay_t<decltype(values)>;
        const Vector& from = std::get<Vector>(source->values());
        values.insert(values.end(), from.begin() + static_cast<std::ptrdiff_t>(begin),
                      from.begin() + static_cast<std::ptrdiff_t>(end));
      },
      target.mutable_values());
  const std::vector<uint8_t>& source_validity = source->validity();
  const bool any_null =
      !source_validity.empty() &&
      std::find(source_validity.begin() + static_cast<std::ptrdiff_t>(begin),
                source_validity.begin() + static_cast<std::ptrdiff_t>(end),
                0) != source_validity.begin() + static_cast<std::ptrdiff_t>(end);
  // Validity is materialised only once a null appears; "empty" means all valid.
  if (!any_null && target.validity().empty()) return;
  std::vector<uint8_t>& validity = target.mutable_validity();
  validity.resize(before, 1);
  if (source_validity.empty()) {
    validity.resize(target.size(), 1);
  } else {
    validity.insert(validity.end(), source_validity.begin() + static_cast<std::ptrdiff_t>(begin),
                    source_validity.begin() + static_cast<std::ptrdiff_t>(end));
  }
}

void append_column_rows(Column& target, const Column& source, const std::vector<uint32_t>& rows) {
  const size_t before = target.size();
  std::visit(
      [&](auto& values) {
        using Vector = std::decay_t<decltype(values)>;
        const Vector& from = std::get<Vector>(source.values());
        values.reserve(values.size() + rows.size());
        for (uint32_t row : rows) values.push_back(from[row]);
      },
      target.mutable_values());
  const std::vector<uint8_t>& source_validity = source.validity();
  bool any_null = false;
  if (!source_validity.empty()) {
    for (uint32_t row : rows) any_null = any_null || source_validity[row] == 0;
  }
  if (!any_null && target.validity().empty()) return;
  std::vector<uint8_t>& validity = target.mutable_validity();
  validity.resize(before, 1);
  for (uint32_t row : rows) validity.push_back(source_validity.empty() ? 1 : source_validity[row]);
}

SeriesRows slice_by_time(SeriesRows rows, storage::TimeRange range) {
  const auto begin = std::lower_bound(rows.ts.begin(), rows.ts.end(), range.start);
  const auto end = std::lower_bound(begin, rows.ts.end(), range.end);
  if (begin == rows.ts.begin() && end == rows.ts.end()) return rows;
  const auto first = static_cast<size_t>(begin - rows.ts.begin());
  const auto last = static_cast<size_t>(end - rows.ts.begin());
  SeriesRows out;
  out.ts.assign(begin, end);
  out.columns.reserve(rows.columns.size());
  for (const Column& column : rows.columns) {
    Column sliced = empty_column_like(column);
    append_column_range(sliced, &column, first, last);
    out.columns.push_back(std::move(sliced));
  }
  return out;
}

SeriesRows merge_sources(std::vector<MergeSource> sources, const TableInfo& table,
                         const ValueSelection& selection) {
  // Drop empty sources; a lone source without hidden ranges is the answer as it is.
  std::erase_if(sources, [](const MergeSource& source) { return source.rows.empty(); });
  if (sources.empty()) return empty_series_rows(table, selection);
  if (sources.size() == 1 && sources[0].hidden.empty()) return std::move(sources[0].rows);

  // k-way merge by ts; k is small (a few segments and memtables), so a linear pick is cheapest.
  // Picked rows are recorded as runs of consecutive rows of one source, so columns are then
  // gathered with range copies.
  struct Run {
    uint32_t source;
    uint32_t begin;
    uint32_t end;
  };
  const size_t count = sources.size();
  std::vector<size_t> cursor(count, 0);
  std::vector<Run> runs;
  size_t total = 0;
  while (true) {
    int64_t next = std::numeric_limits<int64_t>::max();
    bool any = false;
    for (size_t source = 0; source < count; ++source) {
      if (cursor[source] < sources[source].rows.ts.size()) {
        next = std::min(next, sources[source].rows.ts[cursor[source]]);
        any = true;
      }
    }
    if (!any) break;
    size_t winner = count;
    for (size_t source = 0; source < count; ++source) {
      const std::vector<int64_t>& ts = sources[source].rows.ts;
      if (cursor[source] < ts.size() && ts[cursor[source]] == next) {
        winner = source;  // later sources are newer and override
      }
    }
    if (!covered(sources[winner].hidden, next)) {
      const auto row = static_cast<uint32_t>(cursor[winner]);
      if (!runs.empty() && runs.back().source == winner && runs.back().end == row) {
        ++runs.back().end;
      } else {
        runs.push_back(Run{static_cast<uint32_t>(winner), row, row + 1});
      }
      ++total;
    }
    for (size_t source = 0; source < count; ++source) {
      const std::vector<int64_t>& ts = sources[source].rows.ts;
      if (cursor[source] < ts.size() && ts[cursor[source]] == next) ++cursor[source];
    }
  }
  SeriesRows out = empty_series_rows(table, selection);
  out.ts.reserve(total);
  for (const Run& run : runs) {
    const std::vector<int64_t>& ts = sources[run.source].rows.ts;
    out.ts.insert(out.ts.end(), ts.begin() + run.begin, ts.begin() + run.end);
  }
  for (size_t column = 0; column < selection.size(); ++column) {
    for (const Run& run : runs) {
      append_column_range(out.columns[column], &sources[run.source].rows.columns[column], run.begin,
                          run.end);
    }
  }
  return out;
}

}  // namespace mystocks::tsdb
