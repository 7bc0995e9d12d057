#include "services/pre_close_fill.h"

#include <algorithm>
#include <numeric>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "core/timestamp.h"

namespace mystocks::services {

PreCloseFiller::PreCloseFiller(DataManager& manager, std::string table)
    : manager_(manager), table_(std::move(table)) {}

Result<std::optional<int64_t>> PreCloseFiller::stored_close_before(const std::string& symbol,
                                                                   int32_t day) const {
  LoadQuery query{.columns = {"close"}, .symbols = {symbol}};
  // One millisecond before the day's midnight: every earlier day, whether the end is inclusive.
  query.range.end = shanghai_time(Date{day}, 0, 0) - 1;
  query.order = storage::SortOrder::kDescending;
  query.limit = 1;
  Result<RecordBatch> rows = manager_.load(table_, query);
  if (!rows.is_ok()) {
    return rows.status().with_context(fmt::format("reading the close of {} before {} for pre_close",
                                                  symbol, Date{day}.to_string()));
  }
  if (rows->num_rows() == 0 || rows->column(0).is_null(0)) return std::optional<int64_t>();
  return std::optional<int64_t>(rows->column(0).as<int64_t>()[0]);
}

Result<int64_t> PreCloseFiller::fill(RecordBatch& batch) const {
  const Schema& schema = batch.schema();
  const std::optional<size_t> symbol_index = schema.index_of("symbol");
  const std::optional<size_t> date_index = schema.index_of("trade_date");
  const std::optional<size_t> close_index = schema.index_of("close");
  const std::optional<size_t> pre_close_index = schema.index_of("pre_close");
  if (!symbol_index || !date_index || !close_index || !pre_close_index) return int64_t{0};
  const Column& pre_close = batch.column(*pre_close_index);
  if (!pre_close.has_nulls()) return int64_t{0};
  if (schema.field(*close_index).scale != schema.field(*pre_close_index).scale) {
    return error(ErrorCode::kSchemaMismatch, "table '{}': close and pre_close differ in scale",
                 table_);
  }

  const Column& symbols = batch.column(*symbol_index);
  const Column& dates = batch.column(*date_index);
  const Column& closes = batch.column(*close_index);
  // Rows per symbol in date order: the previous row of a bar is its symbol's previous close.
  std::unordered_map<std::string, std::vector<size_t>> rows_of;
  for (size_t row = 0; row < batch.num_rows(); ++row) {
    if (symbols.is_null(row) || dates.is_null(row)) continue;
    rows_of[symbols.as<std::string>()[row]].push_back(row);
  }
  std::vector<int64_t> values = pre_close.as<int64_t>();
  std::vector<uint8_t> validity = pre_close.validity();
  int64_t filled = 0;
  for (auto& [symbol, rows] : rows_of) {
    const auto& days = dates.as<int32_t>();
    std::stable_sort(rows.begin(), rows.end(),
                     [&](size_t a, size_t b) { return days[a] < days[b]; });
    std::optional<int64_t> previous;
    for (size_t position = 0; position < rows.size(); ++position) {
      const size_t row = rows[position];
      if (validity[row] == 0) {
        if (position == 0) {
          Result<std::optional<int64_t>> stored = stored_close_before(symbol, days[row]);
          if (!stored.is_ok()) return stored.status();
          previous = *stored;
        }
        if (previous) {
          values[row] = *previous;
          validity[row] = 1;
          ++filled;
        }
      }
      previous = closes.is_null(row) ? std::nullopt : std::optional(closes.as<int64_t>()[row]);
    }
  }
  if (filled == 0) return int64_t{0};
  const bool all_valid = std::all_of(validity.begin(), validity.end(), [](uint8_t v) { return v; });
  std::vector<Column> columns;
  columns.reserve(batch.num_columns());
  for (size_t index = 0; index < batch.num_columns(); ++index) {
    columns.push_back(index == *pre_close_index
                          ? Column(ColumnValues(std::move(values)),
                                   all_valid ? std::vector<uint8_t>() : std::move(validity))
                          : batch.column(index));
  }
  Result<RecordBatch> completed = RecordBatch::make(batch.schema_ptr(), std::move(columns));
  if (!completed.is_ok()) return completed.status();
  batch = std::move(completed).value();
  return filled;
}

}  // namespace mystocks::services
