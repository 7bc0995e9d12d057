// TsdbStore queries: snapshots (ReadView), scan, latest and aggregate.
#include <algorithm>

#include <fmt/format.h>

#include "core/symbol.h"
#include "storage/tsdb/aggregator.h"
#include "storage/tsdb/tsdb_store.h"

namespace mystocks::tsdb {
namespace {

constexpr storage::TimeRange kEverything{INT64_MIN, INT64_MAX};

ValueSelection all_values(const TableInfo& table) {
  ValueSelection selection(table.value_indices.size());
  for (size_t index = 0; index < selection.size(); ++index) selection[index] = index;
  return selection;
}

size_t value_position(const TableInfo& table, size_t column) {
  return static_cast<size_t>(
      std::find(table.value_indices.begin(), table.value_indices.end(), column) -
      table.value_indices.begin());
}

// Output columns of a projection: table column indices, in the requested order.
Result<std::vector<size_t>> projection_of(const TableInfo& table,
                                          const std::vector<std::string>& columns) {
  std::vector<size_t> projection;
  if (columns.empty()) {
    for (size_t column = 0; column < table.column_count(); ++column) projection.push_back(column);
    return projection;
  }
  for (const std::string& name : columns) {
    std::optional<size_t> column = table.column_index(name);
    if (!column) {
      return field_error(ErrorCode::kInvalidArgument, name,
                         "table '{}' has no column '{}' to project", table.name(), name);
    }
    if (std::find(projection.begin(), projection.end(), *column) != projection.end()) {
      return field_error(ErrorCode::kInvalidArgument, name,
                         "column '{}' is projected twice", name);
    }
    projection.push_back(*column);
  }
  return projection;
}

// Builds result batches: tags repeated per row, ts, selected value columns.
class ResultBuilder {
 public:
  ResultBuilder(const TableInfo& table, std::vector<size_t> projection, ValueSelection selection)
      : table_(table), projection_(std::move(projection)), selection_(std::move(selection)) {
    for (size_t column : projection_) {
      columns_.emplace_back(empty_values_for(table.field(column).type));
    }
  }

  // Appends rows [begin, end) of `rows`, reversed when asked, for a series with `tags`.
  void append(const std::vector<std::string>& tags, const SeriesRows& rows, size_t begin,
              size_t end, bool reversed) {
    if (begin >= end) return;
    std::vector<uint32_t> order;
    if (reversed) {
      for (size_t row = end; row > begin; --row) order.push_back(static_cast<uint32_t>(row - 1));
    }
    for (size_t output = 0; output < projection_.size(); ++output) {
      const size_t column = projection_[output];
      Column& target = columns_[output];
      if (table_.is_tag(column)) {
        const size_t tag = static_cast<size_t>(
            std::find(table_.tag_indices.begin(), table_.tag_indices.end(), column) -
            table_.tag_indices.begin());
        target.mutable_as<std::string>().insert(target.mutable_as<std::string>().end(), end - begin,
                                                tags[tag]);
        if (!target.validity().empty()) target.mutable_validity().resize(target.size(), 1);
        continue;
      }
      if (column == table_.time_index) {
        std::vector<int64_t>& ts = target.mutable_as<int64_t>();
        if (reversed) {
          for (uint32_t row : order) ts.push_back(rows.ts[row]);
        } else {
          ts.insert(ts.end(), rows.ts.begin() + static_cast<std::ptrdiff_t>(begin),
                    rows.ts.begin() + static_cast<std::ptrdiff_t>(end));
        }
        continue;
      }
      const size_t position = static_cast<size_t>(
          std::find(selection_.begin(), selection_.end(), value_position(table_, column)) -
          selection_.begin());
      if (reversed) {
        append_column_rows(target, rows.columns[position], order);
      } else {
        append_column_range(target, &rows.columns[position], begin, end);
      }
    }
    rows_ += end - begin;
  }

  size_t rows() const { return rows_; }

  Result<RecordBatch> finish() {
    std::vector<Field> fields;
    for (size_t column : projection_) fields.push_back(table_.field(column));
    return RecordBatch::make(std::make_shared<const Schema>(std::move(fields)), std::move(columns_));
  }

 private:
  const TableInfo& table_;
  std::vector<size_t> projection_;
  ValueSelection selection_;
  std::vector<Column> columns_;
  size_t rows_ = 0;
};

ValueSelection selection_for(const TableInfo& table, const std::vector<size_t>& projection) {
  ValueSelection selection;
  for (size_t column : projection) {
    if (!table.is_tag(column) && column != table.time_index) {
      selection.push_back(value_position(table, column));
    }
  }
  return selection;
}

}  // namespace

Result<SeriesFilter> TsdbStore::make_filter(
    const TableInfo& table, const std::vector<std::string>& symbols,
    const std::map<std::string, std::string>& tag_equals) const {
  SeriesFilter filter;
  for (size_t index = 0; index < symbols.size(); ++index) {
    if (!table.symbol_tag) {
      filter.symbols.push_back(symbols[index]);
      continue;
    }
    Result<Symbol> symbol = Symbol::parse(symbols[index], fmt::format("symbols[{}]", index));
    if (!symbol.is_ok()) return symbol.status();
    filter.symbols.push_back(symbol->to_string());
  }
  std::sort(filter.symbols.begin(), filter.symbols.end());
  filter.symbols.erase(std::unique(filter.symbols.begin(), filter.symbols.end()),
                       filter.symbols.end());
  for (const auto& [name, value] : tag_equals) {
    size_t position = 0;
    while (position < table.tag_indices.size() && table.field(table.tag_indices[position]).name != name) {
      ++position;
    }
    if (position == table.tag_indices.size()) {
      std::string tags;
      for (size_t tag : table.tag_indices) tags += (tags.empty() ? "" : ", ") + table.field(tag).name;
      return field_error(ErrorCode::kInvalidArgument, name,
                         "table '{}' has no tag '{}' to filter on (tags: {})", table.name(), name,
                         tags);
    }
    filter.tag_equals.emplace_back(position, value);
  }
  return filter;
}

ReadView TsdbStore::read_view(const std::shared_ptr<const TableInfo>& table,
                              const ValueSelection& selection, const SeriesFilter& filter,
                              storage::TimeRange range,
                              const std::function<void()>& under_lock) const {
  ReadView view;
  view.table = table;
  std::shared_lock lock(state_mutex_);
  if (under_lock) under_lock();
  view.version = version_;
  view.frozen.assign(frozen_.begin(), frozen_.end());
  if (const TableMemtable* memtable = active_->table(table->name())) {
    for (const auto& [key, head] : memtable->series) {
      if (head->max_ts() < range.start || head->min_ts() >= range.end) continue;
      if (!filter.matches(*table, head->tags())) continue;
      SeriesRows rows = head->read(selection, range);
      if (!rows.empty()) view.active.emplace(key, ActiveSeries{head->tags(), std::move(rows)});
    }
    view.active_tombstones = memtable->tombstones;
  }
  return view;
}

Result<RecordBatch> TsdbStore::scan(const std::string& table_name, const storage::ScanQuery& query) {
  Result<std::shared_ptr<const TableInfo>> table = require_table(table_name);
  if (!table.is_ok()) return table.status();
  const TableInfo& info = **table;
  if (query.offset < 0 || query.limit < -1) {
    return field_error(ErrorCode::kInvalidArgument, query.offset < 0 ? "offset" : "limit",
                       "offset must be >= 0 and limit >= -1 (got offset {}, limit {})",
                       query.offset, query.limit);
  }
  Result<std::vector<size_t>> projection = projection_of(info, query.columns);
  if (!projection.is_ok()) return projection.status();
  Result<SeriesFilter> filter = make_filter(info, query.symbols, query.tag_equals);
  if (!filter.is_ok()) return filter.status();
  const ValueSelection selection = selection_for(info, *projection);

  const ReadView view = read_view(*table, selection, *filter, query.range);
  TableReader reader(view, segments_, selection, *filter, query.range);
  Status status = reader.prepare();
  ResultBuilder builder(info, *projection, selection);
  const bool descending = query.order == storage::SortOrder::kDescending;
  auto skip = static_cast<size_t>(query.offset);
  const size_t limit = query.limit < 0 ? SIZE_MAX : static_cast<size_t>(query.limit);
  for (size_t series = 0; status.is_ok() && series < reader.series_count() && builder.rows() < limit;
       ++series) {
    status = reader.visit_days(series, descending, [&](int32_t, SeriesRows&& rows) {
      size_t count = rows.size();
      const size_t skipped = std::min(skip, count);
      skip -= skipped;
      count -= skipped;
      count = std::min(count, limit - builder.rows());
      if (descending) {
        builder.append(reader.tags(series), rows, rows.size() - skipped - count, rows.size() - skipped,
                       true);
      } else {
        builder.append(reader.tags(series), rows, skipped, skipped + count, false);
      }
      return builder.rows() < limit;
    });
  }
  if (!status.is_ok()) {
    if (status.code() == ErrorCode::kDataLoss && corruptions_ != nullptr) corruptions_->inc();
    return status;
  }
  return builder.finish();
}

Result<std::map<std::string, LatestRow>> TsdbStore::walk_latest(
    const std::shared_ptr<const TableInfo>& table, const ReadView& view, const SeriesFilter& filter) {
  const TableInfo& info = *table;
  const ValueSelection selection = all_values(info);
  // Candidate days, newest first: days with segments and days with memtable rows.
  std::vector<int32_t> days;
  if (const TableVersion* version = view.version->table(info.name())) {
    for (const auto& [day, segments] : version->days) days.push_back(day);
  }
  auto add_days = [&](const std::vector<int64_t>& ts) {
    for (int64_t value : ts) {
      const int32_t day = day_of(value);
      if (days.empty() || days.back() != day) days.push_back(day);
    }
  };
  for (const auto& memtable : view.frozen) {
    if (const TableMemtable* entry = memtable->table(info.name())) {
      for (const auto& [key, head] : entry->series) add_days(head->read({}, kEverything).ts);
    }
  }
  for (const auto& [key, active] : view.active) add_days(active.rows.ts);
  std::sort(days.begin(), days.end(), std::greater<>());
  days.erase(std::unique(days.begin(), days.end()), days.end());

  std::map<std::string, LatestRow> found;
  for (int32_t day : days) {
    TableReader reader(view, segments_, selection, filter, day_range(day));
    MYSTOCKS_RETURN_IF_ERROR(reader.prepare());
    for (size_t series = 0; series < reader.series_count(); ++series) {
      if (found.contains(reader.key(series))) continue;
      MYSTOCKS_RETURN_IF_ERROR(reader.visit_days(series, true, [&](int32_t, SeriesRows&& rows) {
        LatestRow latest;
        latest.tags = reader.tags(series);
        latest.row.ts.push_back(rows.ts.back());
        for (const Column& column : rows.columns) {
          Column last = empty_column_like(column);
          append_column_range(last, &column, rows.size() - 1, rows.size());
          latest.row.columns.push_back(std::move(last));
        }
        found.emplace(reader.key(series), std::move(latest));
        return false;
      }));
    }
  }
  return found;
}

Result<RecordBatch> TsdbStore::latest(const std::string& table_name,
                                      const std::vector<std::string>& symbols,
                                      const std::vector<std::string>& columns) {
  Result<std::shared_ptr<const TableInfo>> table = require_table(table_name);
  if (!table.is_ok()) return table.status();
  const TableInfo& info = **table;
  Result<std::vector<size_t>> projection = projection_of(info, columns);
  if (!projection.is_ok()) return projection.status();
  Result<SeriesFilter> filter = make_filter(info, symbols, {});
  if (!filter.is_ok()) return filter.status();
  const ValueSelection selection = all_values(info);
  auto wanted = [&](const std::vector<std::string>& tags) { return filter->matches(info, tags); };

  std::vector<std::string> stale;
  std::optional<std::vector<std::pair<std::string, LatestRow>>> cached =
      latest_cache_.lookup(table_name, wanted, stale);
  std::map<std::string, LatestRow> rows;
  if (cached) {
    for (auto& [key, row] : *cached) rows.emplace(key, std::move(row));
    for (const std::string& key : stale) {
      // A delete removed this series' cached row: find its newest row again.
      SeriesFilter exact;
      const std::vector<std::string> tags = split_series_key(key);
      exact.symbols = {series_symbol(info, tags)};
      for (size_t tag = 0; tag < tags.size(); ++tag) exact.tag_equals.emplace_back(tag, tags[tag]);
      uint64_t epoch = 0;
      const ReadView view = read_view(*table, selection, exact, kEverything,
                                      [&] { epoch = latest_cache_.epoch(table_name); });
      Result<std::map<std::string, LatestRow>> one = walk_latest(*table, view, exact);
      if (!one.is_ok()) return one.status();
      auto it = one->find(key);
      std::optional<LatestRow> row;
      if (it != one->end()) {
        row = it->second;
        rows.emplace(key, std::move(it->second));
      }
      latest_cache_.refresh(table_name, key, epoch, std::move(row));
    }
  } else {
    // First latest() of this table: walk everything once and keep it cached.
    // begin_walk and the snapshot must see the same memtable state: both under the lock.
    uint64_t epoch = 0;
    const ReadView view = read_view(*table, selection, SeriesFilter{}, kEverything,
                                    [&] { epoch = latest_cache_.begin_walk(table_name); });
    Result<std::map<std::string, LatestRow>> all = walk_latest(*table, view, SeriesFilter{});
    if (!all.is_ok()) {
      latest_cache_.abandon_walk(table_name);
      return all.status();
    }
    for (const auto& [key, row] : *all) {
      if (wanted(row.tags)) rows.emplace(key, row);
    }
    latest_cache_.finish_walk(table_name, epoch, std::move(*all));
  }
  ResultBuilder builder(info, *projection, selection);
  for (const auto& [key, row] : rows) builder.append(row.tags, row.row, 0, 1, false);
  return builder.finish();
}

Result<RecordBatch> TsdbStore::aggregate(const std::string& table_name,
                                         const storage::AggregateQuery& query) {
  Result<std::shared_ptr<const TableInfo>> table = require_table(table_name);
  if (!table.is_ok()) return table.status();
  const TableInfo& info = **table;
  Result<AggregatePlan> plan = plan_aggregate(info, query);
  if (!plan.is_ok()) return plan.status();
  Result<Bucketer> bucketer = Bucketer::make(query.interval_ms, query.alignment);
  if (!bucketer.is_ok()) return bucketer.status();
  Result<SeriesFilter> filter = make_filter(info, query.symbols, query.tag_equals);
  if (!filter.is_ok()) return filter.status();

  const ReadView view = read_view(*table, plan->selection, *filter, query.range);
  TableReader reader(view, segments_, plan->selection, *filter, query.range);
  MYSTOCKS_RETURN_IF_ERROR(reader.prepare());
  AggregateBuilder builder(info, *plan, *bucketer);
  for (size_t series = 0; series < reader.series_count(); ++series) {
    builder.begin_series(reader.tags(series));
    Status added;
    Status status = reader.visit_days(series, false, [&](int32_t, SeriesRows&& rows) {
      added = builder.add(rows);
      return added.is_ok();
    });
    if (!status.is_ok()) {
      if (status.code() == ErrorCode::kDataLoss && corruptions_ != nullptr) corruptions_->inc();
      return status;
    }
    MYSTOCKS_RETURN_IF_ERROR(added);
    MYSTOCKS_RETURN_IF_ERROR(builder.end_series());
  }
  return builder.finish();
}

}  // namespace mystocks::tsdb
