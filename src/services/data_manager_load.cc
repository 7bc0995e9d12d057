// DataManager's read half: one LoadQuery translated to each store's query language.
#include "core/symbol.h"
#include "services/data_manager.h"
#include "services/time_columns.h"

namespace mystocks::services {

using storage::Filter;
using storage::FilterOp;
using storage::TableSchema;

namespace {

Result<std::vector<std::string>> canonical_symbols(const std::vector<std::string>& symbols) {
  std::vector<std::string> canonical;
  canonical.reserve(symbols.size());
  for (size_t index = 0; index < symbols.size(); ++index) {
    Result<Symbol> symbol = Symbol::parse(symbols[index], fmt::format("symbols[{}]", index));
    if (!symbol.is_ok()) return symbol.status();
    canonical.push_back(symbol->to_string());
  }
  return canonical;
}

}  // namespace

Result<RecordBatch> DataManager::load(const std::string& table_name, const LoadQuery& query) {
  const int64_t started_ns = clock_.steady_ns();
  Result<const TableSchema*> found = find(table_name);
  if (!found.is_ok()) return found.status();
  const TableSchema& table = **found;
  if (query.range.start > query.range.end) {
    return field_error(ErrorCode::kInvalidArgument, "range", "range start {} is after its end {}",
                       query.range.start, query.range.end);
  }
  auto call = [&] {
    return table.target() == storage::StoreKind::kRelational ? load_relational(table, query)
                                                             : load_time_series(table, query);
  };
  CircuitBreaker* breaker = breaker_for(table.target());
  Result<RecordBatch> rows = breaker != nullptr ? breaker->run(call) : call();
  if (rows.is_ok()) {
    metrics_.counter("mystocks_data_rows_read_total", "Rows read through DataManager", {"table"})
        .with({table.name})
        .inc(static_cast<double>(rows->num_rows()));
  }
  metrics_
      .histogram("mystocks_data_operation_seconds", "DataManager save/load latency",
                 {"table", "operation"})
      .with({table.name, "load"})
      .observe(static_cast<double>(clock_.steady_ns() - started_ns) / 1e9);
  return rows;
}

Result<RecordBatch> DataManager::latest(const std::string& table_name,
                                        const std::vector<std::string>& symbols,
                                        const std::vector<std::string>& columns) {
  Result<const TableSchema*> found = find(table_name);
  if (!found.is_ok()) return found.status();
  if ((*found)->target() != storage::StoreKind::kTimeSeries) {
    return error(ErrorCode::kUnsupported,
                 "table '{}' is relational: the latest row per symbol is a time-series query; use "
                 "load() with an order and a limit",
                 table_name);
  }
  Result<std::vector<std::string>> canonical = canonical_symbols(symbols);
  if (!canonical.is_ok()) return canonical.status();
  Result<RecordBatch> rows = time_series_->latest(table_name, *canonical, columns);
  if (rows.is_ok()) {
    metrics_.counter("mystocks_data_rows_read_total", "Rows read through DataManager", {"table"})
        .with({table_name})
        .inc(static_cast<double>(rows->num_rows()));
  }
  return rows;
}

Result<RecordBatch> DataManager::load_relational(const TableSchema& table, const LoadQuery& query) {
  storage::RelationalQuery relational{.columns = query.columns,
                                      .filters = query.filters,
                                      .order_by = query.order_by,
                                      .limit = query.limit,
                                      .offset = query.offset};
  const bool has_symbol = table.column("symbol") != nullptr;
  Result<std::vector<std::string>> symbols = canonical_symbols(query.symbols);
  if (!symbols.is_ok()) return symbols.status();
  Result<std::vector<Filter>> scope = scope_filters(table, *symbols, query.range);
  if (!scope.is_ok()) return scope.status();
  relational.filters.insert(relational.filters.end(), scope->begin(), scope->end());
  const storage::ColumnDef* time = range_column(table);
  if (relational.order_by.empty()) {
    // Symbol, then time in the requested direction; the store appends the unique key.
    if (has_symbol) relational.order_by.push_back({"symbol", storage::SortOrder::kAscending});
    if (time != nullptr) relational.order_by.push_back({time->field.name, query.order});
  }
  return relational_->query(table.name, relational);
}

Result<RecordBatch> DataManager::load_time_series(const TableSchema& table,
                                                  const LoadQuery& query) {
  if (!query.order_by.empty()) {
    return field_error(ErrorCode::kUnsupported, "order_by",
                       "table '{}' is a time-series table: rows come by symbol, then time; use "
                       "'order' for the direction",
                       table.name);
  }
  storage::ScanQuery scan{.columns = query.columns,
                          .range = query.range,
                          .order = query.order,
                          .limit = query.limit,
                          .offset = query.offset};
  Result<std::vector<std::string>> symbols = canonical_symbols(query.symbols);
  if (!symbols.is_ok()) return symbols.status();
  scan.symbols = std::move(*symbols);
  for (size_t index = 0; index < query.filters.size(); ++index) {
    const Filter& filter = query.filters[index];
    const storage::ColumnDef* column = table.column(filter.column);
    const bool tag_equality = column != nullptr && column->tag && filter.op == FilterOp::kEq &&
                              filter.values.size() == 1 &&
                              std::holds_alternative<std::string>(filter.values[0]);
    if (!tag_equality) {
      return field_error(ErrorCode::kUnsupported, fmt::format("filters[{}]", index),
                         "table '{}' is a time-series table: filters must be equality on a tag "
                         "column ({}), got '{}' on '{}'",
                         table.name, fmt::join(table.tag_columns(), ", "),
                         storage::filter_op_name(filter.op), filter.column);
    }
    scan.tag_equals[filter.column] = std::get<std::string>(filter.values[0]);
  }
  return time_series_->scan(table.name, scan);
}

}  // namespace mystocks::services
