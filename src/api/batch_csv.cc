#include "api/batch_csv.h"

#include <charconv>

#include "core/json_text.h"
#include "core/number_precision.h"
#include "core/timestamp.h"

namespace mystocks::api {
namespace {

void append_text(std::string& out, const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) {
    out += text;
    return;
  }
  out.push_back('"');
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

template <typename Integer>
void append_integer(std::string& out, Integer value) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out.append(buffer, end);
}

void append_cell(std::string& out, const Field& field, const Column& column, size_t row) {
  if (column.is_null(row)) return;
  switch (field.type) {
    case ColumnType::kBool:
      out += column.as<uint8_t>()[row] != 0 ? "true" : "false";
      return;
    case ColumnType::kInt32:
      append_integer(out, column.as<int32_t>()[row]);
      return;
    case ColumnType::kDate:
      out += Date{column.as<int32_t>()[row]}.to_string();
      return;
    case ColumnType::kInt64:
    case ColumnType::kTimestamp:
      append_integer(out, column.as<int64_t>()[row]);
      return;
    case ColumnType::kDecimal:
      append_decimal_text(out, column.as<int64_t>()[row], field.scale);
      return;
    case ColumnType::kDouble: {
      std::string number;
      const double value = column.as<double>()[row];
      const int decimals = double_column_decimals(field.name);
      append_json_double(number, decimals < 0 ? value : round_decimals(value, decimals));
      if (number != "null") out += number;
      return;
    }
    case ColumnType::kString:
      append_text(out, column.as<std::string>()[row]);
      return;
  }
}

}  // namespace

std::string batch_to_csv(const RecordBatch& batch) {
  const Schema& schema = batch.schema();
  std::string out;
  out.reserve(64 + batch.num_rows() * schema.size() * 8);
  for (size_t column_idx = 0; column_idx < schema.size(); ++column_idx) {
    if (column_idx > 0) out.push_back(',');
    append_text(out, schema.field(column_idx).name);
  }
  out += "\r\n";
  for (size_t row = 0; row < batch.num_rows(); ++row) {
    for (size_t column_idx = 0; column_idx < schema.size(); ++column_idx) {
      if (column_idx > 0) out.push_back(',');
      append_cell(out, schema.field(column_idx), batch.column(column_idx), row);
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace mystocks::api
