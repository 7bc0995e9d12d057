// Test helpers for relational data: build a RecordBatch for a declared table from literal rows,
// and render a batch as "a|b|NULL" lines so expectations read as tables. Header-only, test-only.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/record_batch.h"
#include "storage/relational_store.h"
#include "storage/table_schema.h"

namespace mystocks::storage::test {

// One literal cell: nullptr for NULL; ints for int32/int64/decimal units/timestamp ms/date days.
struct Cell {
  Cell(std::nullptr_t) : null(true) {}                  // NOLINT: implicit by design
  Cell(const char* text) : value(std::string(text)) {}  // NOLINT
  Cell(std::string text) : value(std::move(text)) {}    // NOLINT
  Cell(int number) : value(int64_t{number}) {}          // NOLINT
  Cell(int64_t number) : value(number) {}               // NOLINT
  Cell(double number) : value(number) {}                // NOLINT
  Cell(bool flag) : value(flag) {}                      // NOLINT

  bool null = false;
  Value value;
};

// A batch of `columns` of `table` (all declared when empty). Batch fields are nullable so tests
// can also send nulls a table forbids and watch them being refused.
inline RecordBatch make_batch(const TableSchema& table, std::vector<std::string> columns,
                              const std::vector<std::vector<Cell>>& rows) {
  if (columns.empty()) {
    for (const ColumnDef& column : table.columns) columns.push_back(column.field.name);
  }
  std::vector<Field> fields;
  for (const std::string& name : columns) {
    const ColumnDef* column = table.column(name);
    Field field = column != nullptr ? column->field : Field{name, ColumnType::kString, 0, true};
    field.nullable = true;
    fields.push_back(field);
  }
  auto schema = std::make_shared<const Schema>(fields);
  RecordBatchBuilder builder(schema);
  for (const std::vector<Cell>& row : rows) {
    for (size_t column_idx = 0; column_idx < fields.size(); ++column_idx) {
      const Cell& cell = row.at(column_idx);
      if (cell.null) {
        builder.append_null(column_idx);
        continue;
      }
      switch (fields[column_idx].type) {
        case ColumnType::kBool:
          builder.append_bool(column_idx, std::get<bool>(cell.value));
          break;
        case ColumnType::kInt32:
        case ColumnType::kDate:
          builder.append_int32(column_idx, static_cast<int32_t>(std::get<int64_t>(cell.value)));
          break;
        case ColumnType::kDouble:
          builder.append_double(column_idx,
                                std::holds_alternative<double>(cell.value)
                                    ? std::get<double>(cell.value)
                                    : static_cast<double>(std::get<int64_t>(cell.value)));
          break;
        case ColumnType::kString:
          builder.append_string(column_idx, std::get<std::string>(cell.value));
          break;
        default:
          builder.append_int64(column_idx, std::get<int64_t>(cell.value));
          break;
      }
    }
  }
  Result<RecordBatch> batch = builder.finish();
  return batch.is_ok() ? std::move(*batch) : RecordBatch();
}

inline std::string cell_text(const RecordBatch& batch, size_t column_idx, size_t row) {
  const Column& column = batch.column(column_idx);
  if (column.is_null(row)) return "NULL";
  switch (batch.schema().field(column_idx).type) {
    case ColumnType::kBool:
      return column.as<uint8_t>()[row] != 0 ? "true" : "false";
    case ColumnType::kInt32:
    case ColumnType::kDate:
      return std::to_string(column.as<int32_t>()[row]);
    case ColumnType::kDouble:
      return fmt::format("{}", column.as<double>()[row]);
    case ColumnType::kString:
      return column.as<std::string>()[row];
    default:
      return std::to_string(column.as<int64_t>()[row]);
  }
}

// One "a|b|NULL" line per row, columns in batch order.
inline std::vector<std::string> rows_text(const RecordBatch& batch) {
  std::vector<std::string> rows;
  for (size_t row = 0; row < batch.num_rows(); ++row) {
    std::string line;
    for (size_t column_idx = 0; column_idx < batch.num_columns(); ++column_idx) {
      if (column_idx > 0) line += "|";
      line += cell_text(batch, column_idx, row);
    }
    rows.push_back(std::move(line));
  }
  return rows;
}

}  // namespace mystocks::storage::test
