#include "services/provisional_bars.h"

namespace mystocks::services {

TimestampMs session_close(Date trade_date) { return shanghai_time(trade_date, 15, 0); }

Result<int64_t> mark_provisional_daily_bars(RecordBatch& batch, TimestampMs now) {
  const std::optional<size_t> final_index = batch.schema().index_of("final");
  const Column* dates = batch.column("trade_date");
  if (!final_index || dates == nullptr ||
      batch.schema().field(*final_index).type != ColumnType::kBool) {
    return int64_t{0};
  }
  // Every date before the one whose session is open (or the next to open) is closed.
  const Date today = shanghai_date(now);
  const int32_t first_open_day = now >= session_close(today) ? today.days + 1 : today.days;
  const Column& source_final = batch.column(*final_index);
  std::vector<uint8_t> flags(batch.num_rows(), 1);
  int64_t provisional = 0;
  const auto& days = dates->as<int32_t>();
  for (size_t row = 0; row < batch.num_rows(); ++row) {
    if (!dates->is_null(row) && days[row] >= first_open_day) {
      flags[row] = 0;
      ++provisional;
    } else if (!source_final.is_null(row)) {
      flags[row] = source_final.as<uint8_t>()[row];
    }
  }
  std::vector<Column> columns;
  columns.reserve(batch.num_columns());
  for (size_t index = 0; index < batch.num_columns(); ++index) {
    columns.push_back(index == *final_index ? Column(ColumnValues(std::move(flags)))
                                            : batch.column(index));
  }
  Result<RecordBatch> marked = RecordBatch::make(batch.schema_ptr(), std::move(columns));
  if (!marked.is_ok()) return marked.status();
  batch = std::move(marked).value();
  return provisional;
}

}  // namespace mystocks::services
