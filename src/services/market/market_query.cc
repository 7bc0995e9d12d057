// MarketQuery's row reads: latest quotes, cross-sections, newest rows in a window and the
// securities-master check. The bar model lives in market_query_bars.cc.
#include "services/market/market_query.h"

#include <algorithm>
#include <set>

namespace mystocks::services {
namespace {

// Rows in reverse order (a descending load turned oldest first).
RecordBatch reverse_rows(const RecordBatch& batch) {
  std::vector<Column> columns;
  columns.reserve(batch.num_columns());
  for (size_t column_idx = 0; column_idx < batch.num_columns(); ++column_idx) {
    ColumnValues values = batch.column(column_idx).values();
    std::visit([](auto& vector) { std::reverse(vector.begin(), vector.end()); }, values);
    std::vector<uint8_t> validity = batch.column(column_idx).validity();
    std::reverse(validity.begin(), validity.end());
    columns.emplace_back(std::move(values), std::move(validity));
  }
  Result<RecordBatch> reversed = RecordBatch::make(batch.schema_ptr(), std::move(columns));
  return reversed.is_ok() ? std::move(reversed).value() : batch;  // same shape: cannot fail
}

// An index has no Level-1 ticks and a security no index snapshots, so one chain serves both
// without asking the reference tables which is which (quotes keep working while the relational
// store is down).
constexpr const char* kQuoteSources[] = {"realtime_quote", "tick", "index_quote"};

}  // namespace

Result<LatestQuotes> MarketQuery::latest_quotes(std::vector<std::string> symbols) const {
  std::sort(symbols.begin(), symbols.end());
  symbols.erase(std::unique(symbols.begin(), symbols.end()), symbols.end());
  LatestQuotes quotes;
  std::set<std::string> found;
  for (const char* source : kQuoteSources) {
    std::vector<std::string> wanted;
    for (const std::string& symbol : symbols) {
      if (!found.contains(symbol)) wanted.push_back(symbol);
    }
    if (wanted.empty()) break;
    Result<RecordBatch> rows = data_.latest(source, wanted);
    if (!rows.is_ok()) return rows.status();
    if (rows->num_rows() == 0) continue;
    const Column* names = rows->column("symbol");
    for (size_t row = 0; row < rows->num_rows(); ++row) {
      found.insert(names->as<std::string>()[row]);
    }
    quotes.found.push_back({.source = source, .rows = std::move(*rows)});
  }
  for (std::string& symbol : symbols) {
    if (!found.contains(symbol)) quotes.missing.push_back(std::move(symbol));
  }
  return quotes;
}

Result<RecordBatch> MarketQuery::daily_cross_section(
    Date day, const std::vector<std::string>& symbols,
    const std::vector<std::string>& columns) const {
  const TimestampMs midnight = shanghai_time(day, 0, 0);
  return data_.load("daily_kline", {.columns = columns,
                                    .symbols = symbols,
                                    .range = {.start = midnight, .end = midnight + kMillisPerDay}});
}

Result<RecordBatch> MarketQuery::quote_cross_section(
    const std::vector<std::string>& symbols, const std::vector<std::string>& columns) const {
  return data_.latest("realtime_quote", symbols, columns);
}

Result<RecordBatch> MarketQuery::newest_rows(const std::string& table,
                                             const std::vector<std::string>& symbols) const {
  return data_.latest(table, symbols);
}

Result<RecordBatch> MarketQuery::newest_in_window(const std::string& table, LoadQuery query,
                                                  const TimeWindow& window, int64_t limit) const {
  if (window.start) query.range.start = *window.start;
  query.range.end = window.end;
  query.order = storage::SortOrder::kDescending;
  query.limit = limit;
  Result<RecordBatch> rows = data_.load(table, query);
  if (!rows.is_ok()) return rows.status();
  return reverse_rows(*rows);
}

Status MarketQuery::check_listed(const std::string& symbol, std::string_view field) const {
  Result<RecordBatch> rows =
      data_.load("symbols", {.columns = {"symbol"}, .symbols = {symbol}, .limit = 1});
  if (!rows.is_ok()) return rows.status();
  if (rows->num_rows() == 0) {
    return field_error(ErrorCode::kNotFound, std::string(field),
                       "symbol '{}' is not in the securities master", symbol);
  }
  return Status::ok();
}

}  // namespace mystocks::services
