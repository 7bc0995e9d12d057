#include "core/row_json.h"

#include "core/decimal.h"
#include "core/timestamp.h"

namespace mystocks {

namespace json = boost::json;

json::value cell_json(const Field& field, const Column& column, size_t row,
                      json::storage_ptr storage) {
  if (column.is_null(row)) return json::value(nullptr, std::move(storage));
  switch (field.type) {
    case ColumnType::kBool:
      return json::value(column.as<uint8_t>()[row] != 0, std::move(storage));
    case ColumnType::kInt32:
      return json::value(column.as<int32_t>()[row], std::move(storage));
    case ColumnType::kDate:
      return json::value(Date{column.as<int32_t>()[row]}.to_string(), std::move(storage));
    case ColumnType::kInt64:
    case ColumnType::kTimestamp:
      return json::value(column.as<int64_t>()[row], std::move(storage));
    case ColumnType::kDecimal:
      return json::value(Decimal(column.as<int64_t>()[row], field.scale).to_double(),
                         std::move(storage));
    case ColumnType::kDouble:
      return json::value(column.as<double>()[row], std::move(storage));
    case ColumnType::kString:
      return json::value(column.as<std::string>()[row], std::move(storage));
  }
  return json::value(nullptr, std::move(storage));
}

json::object row_json(const RecordBatch& batch, size_t row, json::storage_ptr storage) {
  const Schema& schema = batch.schema();
  json::object out(schema.size(), storage);
  for (size_t column_idx = 0; column_idx < schema.size(); ++column_idx) {
    const Field& field = schema.field(column_idx);
    out.emplace(field.name, cell_json(field, batch.column(column_idx), row, storage));
  }
  return out;
}

json::array rows_json(const RecordBatch& batch, json::storage_ptr storage) {
  json::array out(storage);
  out.reserve(batch.num_rows());
  for (size_t row = 0; row < batch.num_rows(); ++row)
    out.emplace_back(row_json(batch, row, storage));
  return out;
}

json::array column_json(const Field& field, const Column& column, json::storage_ptr storage) {
  json::array out(storage);
  out.reserve(column.size());
  for (size_t row = 0; row < column.size(); ++row)
    out.emplace_back(cell_json(field, column, row, storage));
  return out;
}

}  // namespace mystocks
