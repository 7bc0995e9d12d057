#include "services/table_rows.h"

#include <mutex>
#include <random>

#include <fmt/format.h>

namespace mystocks::services {

Result<RecordBatch> make_rows(const storage::TableSchema& table,
                              const std::vector<std::string>& columns,
                              const std::vector<std::vector<Cell>>& rows) {
  std::vector<Field> fields;
  for (const std::string& name : columns) {
    const storage::ColumnDef* column = table.column(name);
    if (column == nullptr) {
      return error(ErrorCode::kInternal, "table '{}' has no column '{}'", table.name, name);
    }
    fields.push_back(column->field);
  }
  auto schema = std::make_shared<const Schema>(fields);
  RecordBatchBuilder builder(schema);
  builder.reserve(rows.size());
  for (const std::vector<Cell>& row : rows) {
    for (size_t column_idx = 0; column_idx < fields.size(); ++column_idx) {
      const Cell& cell = row[column_idx];
      const Field& field = fields[column_idx];
      if (std::holds_alternative<std::monostate>(cell)) {
        builder.append_null(column_idx);
      } else if (const auto* flag = std::get_if<bool>(&cell)) {
        builder.append_bool(column_idx, *flag);
      } else if (const auto* number = std::get_if<int64_t>(&cell)) {
        if (field.type == ColumnType::kInt32 || field.type == ColumnType::kDate) {
          builder.append_int32(column_idx, static_cast<int32_t>(*number));
        } else {
          builder.append_int64(column_idx, *number);
        }
      } else if (const auto* real = std::get_if<double>(&cell)) {
        builder.append_double(column_idx, *real);
      } else {
        builder.append_string(column_idx, std::get<std::string>(cell));
      }
    }
  }
  return builder.finish();
}

std::string new_id(std::string_view prefix, const Clock& clock) {
  static std::mutex mutex;
  static std::mt19937_64 random{std::random_device{}()};
  uint64_t bits = 0;
  {
    std::lock_guard lock(mutex);
    bits = random();
  }
  constexpr std::string_view kDigits = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string time;
  for (auto ms = static_cast<uint64_t>(clock.now_ms()); ms > 0; ms /= 36) {
    time.insert(time.begin(), kDigits[ms % 36]);
  }
  return fmt::format("{}-{:0>9}-{:016x}", prefix, time, bits);
}

const std::string& string_at(const RecordBatch& batch, std::string_view column, size_t row) {
  return batch.column(column)->as<std::string>()[row];
}

int64_t int64_at(const RecordBatch& batch, std::string_view column, size_t row) {
  return batch.column(column)->as<int64_t>()[row];
}

}  // namespace mystocks::services
