#include "core/row_json.h"

#include <array>
#include <charconv>
#include <cmath>

#include "core/decimal.h"
#include "core/json_text.h"
#include "core/number_precision.h"
#include "core/timestamp.h"

namespace mystocks {

namespace json = boost::json;

namespace {

// A double column's value at the precision its field is printed with (core/number_precision.h).
double printed_double(const Field& field, double value) {
  const int decimals = double_column_decimals(field.name);
  return decimals < 0 ? value : round_decimals(value, decimals);
}

}  // namespace

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
    case ColumnType::kDouble: {
      const double value = printed_double(field, column.as<double>()[row]);
      return std::isfinite(value) ? json::value(value, std::move(storage))
                                  : json::value(nullptr, std::move(storage));
    }
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

namespace {

// 10^scale for the decimal scales a Field may declare (0..18).
constexpr std::array<int64_t, 19> kPowersOfTen = [] {
  std::array<int64_t, 19> powers{};
  powers[0] = 1;
  for (size_t scale = 1; scale < powers.size(); ++scale) powers[scale] = powers[scale - 1] * 10;
  return powers;
}();

template <typename Integer>
void append_integer(std::string& out, Integer value) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out.append(buffer, end);
}

void append_cell(std::string& out, const Field& field, const Column& column, size_t row) {
  if (column.is_null(row)) {
    out += "null";
    return;
  }
  switch (field.type) {
    case ColumnType::kBool:
      out += column.as<uint8_t>()[row] != 0 ? "true" : "false";
      return;
    case ColumnType::kInt32:
      append_integer(out, column.as<int32_t>()[row]);
      return;
    case ColumnType::kDate:
      out.push_back('"');
      out += Date{column.as<int32_t>()[row]}.to_string();
      out.push_back('"');
      return;
    case ColumnType::kInt64:
    case ColumnType::kTimestamp:
      append_integer(out, column.as<int64_t>()[row]);
      return;
    case ColumnType::kDecimal: {
      // The JSON form of a decimal equals its double's: "27.0" when integral.
      const int64_t units = column.as<int64_t>()[row];
      append_decimal_text(out, units, field.scale);
      if (units % kPowersOfTen[field.scale] == 0) out += ".0";
      return;
    }
    case ColumnType::kDouble:
      append_json_double(out, printed_double(field, column.as<double>()[row]));
      return;
    case ColumnType::kString:
      append_json_string(out, column.as<std::string>()[row]);
      return;
  }
}

}  // namespace

void append_rows_json(std::string& out, const RecordBatch& batch) {
  const Schema& schema = batch.schema();
  std::vector<std::string> keys;  // '"name":' per column, escaped once
  keys.reserve(schema.size());
  for (size_t column_idx = 0; column_idx < schema.size(); ++column_idx) {
    std::string key(column_idx == 0 ? "{" : ",");
    append_json_string(key, schema.field(column_idx).name);
    key.push_back(':');
    keys.push_back(std::move(key));
  }
  out.reserve(out.size() + batch.num_rows() * schema.size() * 16);
  out.push_back('[');
  for (size_t row = 0; row < batch.num_rows(); ++row) {
    if (row > 0) out.push_back(',');
    for (size_t column_idx = 0; column_idx < schema.size(); ++column_idx) {
      out += keys[column_idx];
      append_cell(out, schema.field(column_idx), batch.column(column_idx), row);
    }
    out += schema.size() == 0 ? "{}" : "}";
  }
  out.push_back(']');
}

void append_column_json(std::string& out, const Field& field, const Column& column) {
  out.push_back('[');
  for (size_t row = 0; row < column.size(); ++row) {
    if (row > 0) out.push_back(',');
    append_cell(out, field, column, row);
  }
  out.push_back(']');
}

void append_columns_json(std::string& out, const RecordBatch& batch) {
  const Schema& schema = batch.schema();
  out += "\"columns\":[";
  for (size_t column_idx = 0; column_idx < schema.size(); ++column_idx) {
    if (column_idx > 0) out.push_back(',');
    append_json_string(out, schema.field(column_idx).name);
  }
  out += "],\"count\":";
  append_integer(out, batch.num_rows());
  out += ",\"data\":{";
  for (size_t column_idx = 0; column_idx < schema.size(); ++column_idx) {
    if (column_idx > 0) out.push_back(',');
    append_json_string(out, schema.field(column_idx).name);
    out.push_back(':');
    append_column_json(out, schema.field(column_idx), batch.column(column_idx));
  }
  out.push_back('}');
}

}  // namespace mystocks
