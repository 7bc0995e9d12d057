// DataManager's range half: deleting the rows of symbols x a time range and replacing them
// atomically, each store in its own way (tsdb: WAL tombstone / one replace record; relational:
// filtered DELETE / erase + upsert in one transaction), announced by one DataChanged.
#include <algorithm>
#include <limits>

#include <fmt/ranges.h>

#include "core/symbol.h"
#include "core/timestamp.h"
#include "services/data_manager.h"
#include "services/time_columns.h"

namespace mystocks::services {

using storage::DataClassification;
using storage::Filter;
using storage::FilterOp;
using storage::StoreKind;
using storage::TableSchema;

namespace {

// A filter every row passes (relational erase needs one): a non-nullable column is never null.
Filter every_row(const TableSchema& table) {
  for (const storage::ColumnDef& column : table.columns) {
    if (!column.field.nullable) return Filter{column.field.name, FilterOp::kIsNotNull, {}};
  }
  return Filter{table.columns.front().field.name, FilterOp::kIsNotNull, {}};
}

bool bounded(const storage::TimeRange& range) {
  return range.start != std::numeric_limits<TimestampMs>::min() ||
         range.end != std::numeric_limits<TimestampMs>::max();
}

// Market and reference data, which ingest writes and a re-ingest can restore. Users, sessions,
// API keys, orders, positions, funds, watchlists, configuration, the sync outbox and the audit
// log have their own lifecycles and never go by time range.
bool range_deletable(DataClassification classification) {
  return classification <= DataClassification::kFundFlow ||
         classification == DataClassification::kDataQualityMetrics;
}

// The instant a row's range column stands for: the value of a timestamp, Asia/Shanghai
// midnight of a date.
int64_t instant_of(const Column& column, ColumnType type, size_t row) {
  return type == ColumnType::kDate ? shanghai_time(Date{column.as<int32_t>()[row]}, 0, 0)
                                   : column.as<int64_t>()[row];
}

// kInvalidArgument naming the first row of `batch` outside the scope.
Status check_rows_in_scope(const TableSchema& table, const RecordBatch& batch,
                           const std::vector<std::string>& symbols, storage::TimeRange range) {
  const Column* symbol_column = symbols.empty() ? nullptr : batch.column("symbol");
  const storage::ColumnDef* time = range_column(table);
  const Column* time_column = time == nullptr ? nullptr : batch.column(time->field.name);
  for (size_t row = 0; row < batch.num_rows(); ++row) {
    if (symbol_column != nullptr) {
      const std::string& symbol = symbol_column->as<std::string>()[row];
      if (symbol_column->is_null(row) ||
          !std::binary_search(symbols.begin(), symbols.end(), symbol)) {
        return field_error(ErrorCode::kInvalidArgument, fmt::format("rows[{}]", row),
                           "table '{}': row {} has symbol '{}', which the replaced symbols ({}) "
                           "do not include: a replace writes only what it deletes",
                           table.name, row, symbol, fmt::join(symbols, ","));
      }
    }
    if (time_column != nullptr && !time_column->is_null(row)) {
      const int64_t instant = instant_of(*time_column, time->field.type, row);
      if (instant < range.start || instant >= range.end) {
        return field_error(ErrorCode::kInvalidArgument, fmt::format("rows[{}]", row),
                           "table '{}': row {} has {} {} outside the replaced range [{}, {}): a "
                           "replace writes only what it deletes",
                           table.name, row, time->field.name, instant, range.start, range.end);
      }
    }
  }
  return Status::ok();
}

// kInvalidArgument naming `tags.<name>` unless every tag of `tags` is a non-symbol tag column
// of the time-series table `table` with a non-empty value.
Status check_scope_tags(const TableSchema& table, const std::map<std::string, std::string>& tags) {
  if (tags.empty()) return Status::ok();
  const std::vector<std::string> accepted = table.tag_columns();
  std::vector<std::string> selectable;
  for (const std::string& tag : accepted) {
    if (tag != "symbol") selectable.push_back(tag);
  }
  for (const auto& [name, value] : tags) {
    const std::string field = "tags." + name;
    if (table.target() != StoreKind::kTimeSeries) {
      return field_error(ErrorCode::kInvalidArgument, field,
                         "table '{}' is relational: tag values select series of time-series "
                         "tables only (give symbols and a range)",
                         table.name);
    }
    if (std::find(selectable.begin(), selectable.end(), name) == selectable.end()) {
      return field_error(ErrorCode::kInvalidArgument, field,
                         "table '{}' has no tag '{}' to select series by (accepted: {}{})",
                         table.name, name, selectable.empty() ? "none" : "",
                         fmt::join(selectable, ", "));
    }
    if (value.empty()) {
      return field_error(ErrorCode::kInvalidArgument, field,
                         "table '{}': tag '{}' needs a value, e.g. {}=5m", table.name, name, name);
    }
  }
  return Status::ok();
}

}  // namespace

Result<std::vector<Filter>> DataManager::scope_filters(const TableSchema& table,
                                                       const std::vector<std::string>& symbols,
                                                       storage::TimeRange range) {
  std::vector<Filter> filters;
  if (!symbols.empty()) {
    if (table.column("symbol") == nullptr) {
      return field_error(ErrorCode::kInvalidArgument, "symbols",
                         "table '{}' has no symbol column to select symbols by", table.name);
    }
    filters.push_back(Filter{"symbol", FilterOp::kIn,
                             std::vector<storage::Value>(symbols.begin(), symbols.end())});
  }
  if (!bounded(range)) return filters;
  const storage::ColumnDef* time = range_column(table);
  if (time == nullptr) {
    return field_error(ErrorCode::kInvalidArgument, "range",
                       "table '{}' has no time or date column to select a range by", table.name);
  }
  const bool date = time->field.type == ColumnType::kDate;
  auto bound = [&](TimestampMs ms) -> storage::Value {
    return date ? storage::Value{int64_t{first_date_at_or_after(ms)}} : storage::Value{ms};
  };
  if (range.start != std::numeric_limits<TimestampMs>::min()) {
    filters.push_back(storage::cmp(time->field.name, FilterOp::kGe, bound(range.start)));
  }
  if (range.end != std::numeric_limits<TimestampMs>::max()) {
    filters.push_back(storage::cmp(time->field.name, FilterOp::kLt, bound(range.end)));
  }
  return filters;
}

Result<const TableSchema*> DataManager::find_range_target(const std::string& table_name,
                                                          const RangeScope& scope,
                                                          std::vector<std::string>& symbols) const {
  Result<const TableSchema*> found = find(table_name);
  if (!found.is_ok()) return found;
  const TableSchema& table = **found;
  if (!range_deletable(table.classification)) {
    return field_error(ErrorCode::kFailedPrecondition, "table",
                       "table '{}' holds {} data, which has its own lifecycle: range delete and "
                       "replace serve market and reference data only",
                       table.name, storage::classification_name(table.classification));
  }
  if (scope.range.start > scope.range.end) {
    return field_error(ErrorCode::kInvalidArgument, "range", "range start {} is after its end {}",
                       scope.range.start, scope.range.end);
  }
  MYSTOCKS_RETURN_IF_ERROR(check_scope_tags(table, scope.tags));
  if (scope.symbols.empty() && scope.tags.empty() && !bounded(scope.range) && !scope.whole_table) {
    return field_error(
        ErrorCode::kInvalidArgument, "symbols",
        "table '{}': give symbols, tags, a time range or several; every row of the table "
        "goes only when that is asked for explicitly (all=true)",
        table.name);
  }
  symbols.clear();
  for (size_t index = 0; index < scope.symbols.size(); ++index) {
    Result<Symbol> symbol = Symbol::parse(scope.symbols[index], fmt::format("symbols[{}]", index));
    if (!symbol.is_ok()) return symbol.status();
    symbols.push_back(symbol->to_string());
  }
  std::sort(symbols.begin(), symbols.end());
  symbols.erase(std::unique(symbols.begin(), symbols.end()), symbols.end());
  if (!symbols.empty() && table.column("symbol") == nullptr) {
    return field_error(ErrorCode::kInvalidArgument, "symbols",
                       "table '{}' has no symbol column to select symbols by", table.name);
  }
  if (bounded(scope.range) && range_column(table) == nullptr) {
    return field_error(ErrorCode::kInvalidArgument, "range",
                       "table '{}' has no time or date column to select a range by", table.name);
  }
  return found;
}

Result<int64_t> DataManager::delete_range(const std::string& table_name, const RangeScope& scope) {
  std::vector<std::string> symbols;
  Result<const TableSchema*> found = find_range_target(table_name, scope, symbols);
  if (!found.is_ok()) return found.status();
  const TableSchema& table = **found;
  auto call = [&]() -> Result<int64_t> {
    if (table.target() == StoreKind::kTimeSeries) {
      return time_series_->delete_range(table.name, symbols, scope.tags, scope.range);
    }
    Result<std::vector<Filter>> filters = scope_filters(table, symbols, scope.range);
    if (!filters.is_ok()) return filters.status();
    if (filters->empty()) filters->push_back(every_row(table));  // whole_table was asked for
    return relational_->erase(table.name, *filters);
  };
  CircuitBreaker* breaker = breaker_for(table.target());
  Result<int64_t> removed = breaker != nullptr ? breaker->run(call) : call();
  if (!removed.is_ok()) {
    return removed.status().with_context(fmt::format("deleting from table '{}'", table.name));
  }
  metrics_
      .counter("mystocks_data_rows_deleted_total",
               "Rows removed by DataManager range deletes and replaces", {"table"})
      .with({table.name})
      .inc(static_cast<double>(*removed));
  if (*removed > 0) publish_range(table, std::move(symbols), scope.range, *removed, nullptr);
  return removed;
}

Result<int64_t> DataManager::replace_relational(const TableSchema& table,
                                                const std::vector<std::string>& symbols,
                                                storage::TimeRange range,
                                                const RecordBatch& batch) {
  Result<std::vector<Filter>> filters = scope_filters(table, symbols, range);
  if (!filters.is_ok()) return filters.status();
  if (filters->empty()) filters->push_back(every_row(table));
  int64_t removed = 0;
  // Erase and upsert commit together or not at all; a rerun after a lost connection starts over.
  Status status = relational_->transaction([&](storage::RelationalOps& ops) -> Status {
    Result<int64_t> erased = ops.erase(table.name, *filters);
    if (!erased.is_ok()) return erased.status();
    removed = *erased;
    if (batch.num_rows() == 0) return Status::ok();
    return ops.upsert(table.name, batch);
  });
  if (!status.is_ok()) return status;
  return removed;
}

Result<ReplaceReport> DataManager::replace(const std::string& table_name, const RangeScope& scope,
                                           const RecordBatch& batch) {
  const int64_t started_ns = clock_.steady_ns();
  std::vector<std::string> symbols;
  Result<const TableSchema*> found = find_range_target(table_name, scope, symbols);
  if (!found.is_ok()) return found.status();
  const TableSchema& table = **found;
  MYSTOCKS_RETURN_IF_ERROR(check_batch_schema(table, batch));
  RowCheck check = check_batch_rows(table, batch);
  if (!check.errors.empty()) {
    return check.errors.front().status.with_context(
        fmt::format("table '{}': {} of {} rows are invalid, nothing was replaced; first",
                    table.name, check.errors.size(), batch.num_rows()));
  }
  MYSTOCKS_RETURN_IF_ERROR(check_rows_in_scope(table, batch, symbols, scope.range));
  auto call = [&]() -> Result<int64_t> {
    return table.target() == StoreKind::kTimeSeries
               ? time_series_->replace_range(table.name, symbols, scope.tags, scope.range, batch)
               : replace_relational(table, symbols, scope.range, batch);
  };
  CircuitBreaker* breaker = breaker_for(table.target());
  Result<int64_t> removed = breaker != nullptr ? breaker->run(call) : call();
  if (!removed.is_ok()) {
    return removed.status().with_context(
        fmt::format("replacing the range in table '{}' (the {} store kept the old rows)",
                    table.name, store_kind_name(table.target())));
  }
  ReplaceReport report{.rows_deleted = *removed,
                       .rows_written = static_cast<int64_t>(batch.num_rows())};
  metrics_
      .counter("mystocks_data_rows_written_total", "Rows written through DataManager", {"table"})
      .with({table.name})
      .inc(static_cast<double>(report.rows_written));
  metrics_
      .histogram("mystocks_data_operation_seconds", "DataManager save/load latency",
                 {"table", "operation"})
      .with({table.name, "replace"})
      .observe(static_cast<double>(clock_.steady_ns() - started_ns) / 1e9);
  metrics_
      .counter("mystocks_data_rows_deleted_total",
               "Rows removed by DataManager range deletes and replaces", {"table"})
      .with({table.name})
      .inc(static_cast<double>(report.rows_deleted));
  if (report.rows_deleted > 0 || report.rows_written > 0) {
    publish_range(table, std::move(symbols), scope.range, report.rows_deleted,
                  batch.num_rows() > 0 ? &batch : nullptr);
  }
  return report;
}

void DataManager::publish_range(const TableSchema& table, std::vector<std::string> symbols,
                                storage::TimeRange range, int64_t rows_deleted,
                                const RecordBatch* written) const {
  DataChanged event;
  event.table = table.name;
  event.store = table.target();
  event.rows = written != nullptr ? static_cast<int64_t>(written->num_rows()) : 0;
  event.rows_deleted = rows_deleted;
  event.symbols = std::move(symbols);
  event.range = range;
  event.has_range = bounded(range);
  event.schema = &table;
  event.batch = written;
  bus_.publish(event);
}

}  // namespace mystocks::services
