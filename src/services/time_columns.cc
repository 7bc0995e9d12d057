#include "services/time_columns.h"

#include <algorithm>
#include <limits>

#include "core/timestamp.h"

namespace mystocks::services {

const storage::ColumnDef* range_column(const storage::TableSchema& table) {
  if (!table.time_column.empty()) return table.column(table.time_column);
  for (const std::string& name : table.unique_key) {
    const storage::ColumnDef* column = table.column(name);
    if (column != nullptr &&
        (column->field.type == ColumnType::kDate || column->field.type == ColumnType::kTimestamp)) {
      return column;
    }
  }
  return nullptr;
}

int32_t first_date_at_or_after(int64_t ms) {
  const Date date = shanghai_date(ms);
  return shanghai_time(date, 0, 0) < ms ? date.days + 1 : date.days;
}

std::optional<storage::TimeRange> span_of(const Column& column, ColumnType type,
                                          const std::vector<uint32_t>* rows) {
  int64_t low = std::numeric_limits<int64_t>::max();
  int64_t high = std::numeric_limits<int64_t>::min();
  auto visit = [&](const auto& values) {
    auto take = [&](size_t row) {
      if (column.is_null(row)) return;
      low = std::min<int64_t>(low, values[row]);
      high = std::max<int64_t>(high, values[row]);
    };
    if (rows == nullptr) {
      for (size_t row = 0; row < values.size(); ++row) take(row);
    } else {
      for (uint32_t row : *rows) take(row);
    }
  };
  if (type == ColumnType::kDate) {
    visit(column.as<int32_t>());
  } else if (type == ColumnType::kTimestamp) {
    visit(column.as<int64_t>());
  } else {
    return std::nullopt;
  }
  if (low > high) return std::nullopt;
  if (type == ColumnType::kTimestamp) return storage::TimeRange{low, high + 1};
  return storage::TimeRange{shanghai_time(Date{static_cast<int32_t>(low)}, 0, 0),
                            shanghai_time(Date{static_cast<int32_t>(high + 1)}, 0, 0)};
}

}  // namespace mystocks::services
