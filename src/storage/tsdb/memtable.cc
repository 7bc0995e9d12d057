#include "storage/tsdb/memtable.h"

#include <algorithm>
#include <numeric>
#include <utility>

namespace mystocks::tsdb {

const std::string& series_symbol(const TableInfo& table, const std::vector<std::string>& tags) {
  return tags[table.symbol_tag.value_or(0)];
}

Tombstone Tombstone::of(const DeleteRequest& request) {
  Tombstone tombstone{request.symbols, request.range, request.tag_equals};
  std::sort(tombstone.symbols.begin(), tombstone.symbols.end());
  tombstone.symbols.erase(std::unique(tombstone.symbols.begin(), tombstone.symbols.end()),
                          tombstone.symbols.end());
  return tombstone;
}

bool tombstone_matches(const Tombstone& tombstone, const TableInfo& table,
                       const std::vector<std::string>& tags) {
  if (!tags_match(tombstone.tag_equals, tags)) return false;
  return tombstone.symbols.empty() ||
         std::binary_search(tombstone.symbols.begin(), tombstone.symbols.end(),
                            series_symbol(table, tags));
}

SeriesHead::SeriesHead(const TableInfo& table, std::vector<std::string> tags, ColumnPool* pool,
                       size_t expected_rows)
    : table_(&table), pool_(pool), tags_(std::move(tags)) {
  columns_.reserve(table.value_indices.size());
  if (pool_ != nullptr) ts_ = pool_->take_int64(expected_rows);
  for (size_t column : table.value_indices) {
    const ColumnType type = table.field(column).type;
    columns_.emplace_back(pool_ != nullptr ? pool_->take(type, expected_rows) : empty_values_for(type));
  }
}

SeriesHead::~SeriesHead() {
  if (pool_ == nullptr) return;
  pool_->give_int64(std::move(ts_));
  for (Column& column : columns_) pool_->give(std::move(column.mutable_values()));
}

void SeriesHead::reserve_more(size_t rows) {
  const size_t needed = ts_.size() + rows;
  if (ts_.capacity() >= needed) return;
  const size_t wanted = std::max(needed, ts_.capacity() * 2);
  if (pool_ == nullptr) {
    ts_.reserve(wanted);
    for (Column& column : columns_) {
      std::visit([wanted](auto& values) { values.reserve(wanted); }, column.mutable_values());
    }
    return;
  }
  std::vector<int64_t> bigger = pool_->take_int64(wanted);
  bigger.assign(ts_.begin(), ts_.end());
  pool_->give_int64(std::exchange(ts_, std::move(bigger)));
  for (size_t position = 0; position < columns_.size(); ++position) {
    const ColumnType type = table_->field(table_->value_indices[position]).type;
    ColumnValues replacement = pool_->take(type, wanted);
    std::visit(
        [&](auto& target) {
          using Vector = std::decay_t<decltype(target)>;
          Vector& current = std::get<Vector>(columns_[position].mutable_values());
          target.insert(target.end(), std::make_move_iterator(current.begin()),
                        std::make_move_iterator(current.end()));
        },
        replacement);
    pool_->give(std::exchange(columns_[position].mutable_values(), std::move(replacement)));
  }
}

void SeriesHead::append(const ValidatedBatch& batch, const SeriesGroup& group) {
  const std::vector<int64_t>& times = batch.columns[table_->time_index]->as<int64_t>();
  reserve_more(group.rows);
  for (const auto& [begin, end] : group.runs) {
    for (uint32_t row = begin; row < end; ++row) {
      const int64_t ts = times[row];
      if (!ts_.empty() && ts <= ts_.back()) ordered_ = false;
      ts_.push_back(ts);
      min_ts_ = std::min(min_ts_, ts);
      max_ts_ = std::max(max_ts_, ts);
    }
  }
  for (size_t position = 0; position < columns_.size(); ++position) {
    const Column* source = batch.columns[table_->value_indices[position]];
    for (const auto& [begin, end] : group.runs) {
      append_column_range(columns_[position], source, begin, end);
    }
  }
}

void SeriesHead::recompute_bounds() {
  min_ts_ = INT64_MAX;
  max_ts_ = INT64_MIN;
  for (int64_t ts : ts_) {
    min_ts_ = std::min(min_ts_, ts);
    max_ts_ = std::max(max_ts_, ts);
  }
}

size_t SeriesHead::erase(storage::TimeRange range) {
  if (ts_.empty() || range.end <= min_ts_ || range.start > max_ts_) return 0;
  std::vector<uint32_t> keep;
  keep.reserve(ts_.size());
  for (uint32_t row = 0; row < ts_.size(); ++row) {
    if (ts_[row] < range.start || ts_[row] >= range.end) keep.push_back(row);
  }
  const size_t removed = ts_.size() - keep.size();
  if (removed == 0) return 0;
  std::vector<int64_t> kept_ts;
  kept_ts.reserve(keep.size());
  for (uint32_t row : keep) kept_ts.push_back(ts_[row]);
  ts_ = std::move(kept_ts);
  for (Column& column : columns_) {
    Column kept = empty_column_like(column);
    append_column_rows(kept, column, keep);
    column = std::move(kept);
  }
  recompute_bounds();
  return removed;
}

std::vector<uint32_t> SeriesHead::visible_order() const {
  std::vector<uint32_t> order(ts_.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return ts_[a] < ts_[b]; });
  // Among equal ts the stable sort keeps append order: the last one is the newest write.
  std::vector<uint32_t> visible;
  visible.reserve(order.size());
  for (size_t index = 0; index < order.size(); ++index) {
    if (index + 1 < order.size() && ts_[order[index + 1]] == ts_[order[index]]) continue;
    visible.push_back(order[index]);
  }
  return visible;
}

SeriesRows SeriesHead::read(const ValueSelection& selection, storage::TimeRange range) const {
  SeriesRows out = empty_series_rows(*table_, selection);
  if (ts_.empty() || range.end <= min_ts_ || range.start > max_ts_) return out;
  if (ordered_) {
    const auto begin = std::lower_bound(ts_.begin(), ts_.end(), range.start);
    const auto end = std::lower_bound(begin, ts_.end(), range.end);
    const auto first = static_cast<size_t>(begin - ts_.begin());
    const auto last = static_cast<size_t>(end - ts_.begin());
    out.ts.assign(begin, end);
    for (size_t index = 0; index < selection.size(); ++index) {
      append_column_range(out.columns[index], &columns_[selection[index]], first, last);
    }
    return out;
  }
  std::vector<uint32_t> rows = visible_order();
  std::erase_if(rows, [&](uint32_t row) { return ts_[row] < range.start || ts_[row] >= range.end; });
  out.ts.reserve(rows.size());
  for (uint32_t row : rows) out.ts.push_back(ts_[row]);
  for (size_t index = 0; index < selection.size(); ++index) {
    append_column_rows(out.columns[index], columns_[selection[index]], rows);
  }
  return out;
}

TableMemtable& Memtable::table_for(std::shared_ptr<const TableInfo> table) {
  TableMemtable& entry = tables_[table->name()];
  // A table re-declared with added columns gets the new layout for new heads; existing heads
  // keep theirs, which is why each head points at the TableInfo it was built with.
  if (entry.table == nullptr) entry.table = std::move(table);
  return entry;
}

void Memtable::apply_write(std::shared_ptr<const TableInfo> table, const ValidatedBatch& batch) {
  if (batch.rows == 0) return;
  TableMemtable& entry = table_for(table);
  size_t string_bytes = 0;
  for (size_t column : entry.table->value_indices) {
    if (entry.table->field(column).type != ColumnType::kString || batch.columns[column] == nullptr) {
      continue;
    }
    for (const std::string& value : batch.columns[column]->as<std::string>()) {
      string_bytes += value.size();
    }
  }
  for (const SeriesGroup& group : batch.groups) {
    auto it = entry.series.find(group.key);
    if (it == entry.series.end()) {
      it = entry.series
               .emplace(group.key, std::make_unique<SeriesHead>(*entry.table, group.tags,
                                                                pool_.get(), group.rows))
               .first;
      bytes_ += group.key.size() + 256;
    }
    it->second->append(batch, group);
  }
  bytes_ += batch.rows * entry.table->fixed_row_bytes + string_bytes;
  rows_ += batch.rows;
}

void Memtable::apply_delete(std::shared_ptr<const TableInfo> table, const DeleteRequest& request) {
  TableMemtable& entry = table_for(table);
  Tombstone tombstone = Tombstone::of(request);
  for (auto it = entry.series.begin(); it != entry.series.end();) {
    SeriesHead& head = *it->second;
    if (tombstone_matches(tombstone, *entry.table, head.tags())) {
      head.erase(request.range);
      if (head.rows() == 0) {
        it = entry.series.erase(it);
        continue;
      }
    }
    ++it;
  }
  entry.tombstones.push_back(std::move(tombstone));
  bytes_ += 64;
}

const TableMemtable* Memtable::table(const std::string& name) const {
  auto it = tables_.find(name);
  return it == tables_.end() ? nullptr : &it->second;
}

}  // namespace mystocks::tsdb
