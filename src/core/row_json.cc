#include "core/row_json.h"

#include "core/decimal.h"
#include "core/timestamp.h"

namespace mystocks {

namespace json = boost::json;

json::value cell_json(const Field& field, const Column& column, size_t row) {
  if (column.is_null(row)) return nullptr;
  switch (field.type) {
    case ColumnType::kBool: return column.as<uint8_t>()[row] != 0;
    case ColumnType::kInt32: return column.as<int32_t>()[row];
    case ColumnType::kDate: return json::value(Date{column.as<int32_t>()[row]}.to_string());
    case ColumnType::kInt64:
    case ColumnType::kTimestamp: return column.as<int64_t>()[row];
    case ColumnType::kDecimal: return Decimal(column.as<int64_t>()[row], field.scale).to_double();
    case ColumnType::kDouble: return column.as<double>()[row];
    case ColumnType::kString: return json::value(column.as<std::string>()[row]);
  }
  return nullptr;
}

json::object row_json(const RecordBatch& batch, size_t row) {
  const Schema& schema = batch.schema();
  json::object out(schema.size());
  for (size_t column_idx = 0; column_idx < schema.size(); ++column_idx) {
    const Field& field = schema.field(column_idx);
    out.emplace(field.name, cell_json(field, batch.column(column_idx), row));
  }
  return out;
}

json::array rows_json(const RecordBatch& batch) {
  json::array out;
  out.reserve(batch.num_rows());
  for (size_t row = 0; row < batch.num_rows(); ++row) out.emplace_back(row_json(batch, row));
  return out;
}

json::array column_json(const Field& field, const Column& column) {
  json::array out;
  out.reserve(column.size());
  for (size_t row = 0; row < column.size(); ++row) out.emplace_back(cell_json(field, column, row));
  return out;
}

}  // namespace mystocks
