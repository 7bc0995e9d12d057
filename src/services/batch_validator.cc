#include "services/batch_validator.h"

#include <algorithm>
#include <cmath>

#include "core/symbol.h"

namespace mystocks::services {
namespace {

bool is_key(const storage::TableSchema& table, const std::string& name) {
  auto listed = [&](const std::vector<std::string>& names) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  return listed(table.unique_key) || listed(table.primary_key) || name == table.time_column;
}

bool is_symbol_column(const Field& field) {
  return field.type == ColumnType::kString &&
         (field.name == "symbol" || field.name.ends_with("_symbol"));
}

}  // namespace

Status check_batch_schema(const storage::TableSchema& table, const RecordBatch& batch) {
  const Schema& schema = batch.schema();
  for (size_t index = 0; index < schema.size(); ++index) {
    const Field& given = schema.field(index);
    const storage::ColumnDef* declared = table.column(given.name);
    if (declared == nullptr) {
      return field_error(ErrorCode::kSchemaMismatch, given.name,
                         "table '{}' has no column '{}' (see config/tables.yaml)", table.name,
                         given.name);
    }
    if (schema.index_of(given.name) != index) {
      return field_error(ErrorCode::kSchemaMismatch, given.name, "column '{}' appears twice",
                         given.name);
    }
    if (declared->field.type != given.type || declared->field.scale != given.scale) {
      return field_error(ErrorCode::kSchemaMismatch, given.name,
                         "column '{}' of table '{}' is declared {}, but the batch holds {}",
                         given.name, table.name, declared->field.type_string(),
                         given.type_string());
    }
  }
  for (const storage::ColumnDef& column : table.columns) {
    const std::string& name = column.field.name;
    if (schema.index_of(name).has_value()) continue;
    const bool key = is_key(table, name);
    if (key || !column.field.nullable) {
      return field_error(ErrorCode::kSchemaMismatch, name,
                         "the batch for table '{}' lacks column '{}', which is {}", table.name,
                         name, key ? "part of the table's key" : "declared non-nullable");
    }
  }
  return Status::ok();
}

RowCheck check_batch_rows(const storage::TableSchema& table, const RecordBatch& batch) {
  const size_t rows = batch.num_rows();
  std::vector<Status> first_problem(rows);
  std::vector<std::string> problem_column(rows);
  auto report = [&](size_t row, const std::string& column, Status status) {
    if (!first_problem[row].is_ok()) return;  // one message per row: its first problem
    first_problem[row] = std::move(status);
    problem_column[row] = column;
  };
  for (size_t column_idx = 0; column_idx < batch.num_columns(); ++column_idx) {
    const Field& field = batch.schema().field(column_idx);
    const Column& column = batch.column(column_idx);
    const bool nullable = table.column(field.name)->field.nullable;
    if (!nullable && column.has_nulls()) {
      for (size_t row = 0; row < rows; ++row) {
        if (!column.is_null(row)) continue;
        report(row, field.name,
               field_error(ErrorCode::kInvalidArgument, field.name,
                           "row {} column '{}' is null, but table '{}' declares it non-nullable",
                           row, field.name, table.name));
      }
    }
    if (field.type == ColumnType::kDouble) {
      const std::vector<double>& values = column.as<double>();
      for (size_t row = 0; row < rows; ++row) {
        if (std::isfinite(values[row]) || column.is_null(row)) continue;
        report(row, field.name,
               field_error(ErrorCode::kInvalidArgument, field.name,
                           "row {} column '{}' is {}; send null for a missing number", row,
                           field.name, values[row]));
      }
    }
    if (is_symbol_column(field)) {
      const std::vector<std::string>& values = column.as<std::string>();
      const std::string* last_valid = nullptr;  // batches usually repeat one symbol many times
      for (size_t row = 0; row < rows; ++row) {
        if (column.is_null(row) || (last_valid != nullptr && values[row] == *last_valid)) continue;
        Result<Symbol> symbol = Symbol::parse(values[row], field.name);
        if (symbol.is_ok() && symbol->to_string() == values[row]) {
          last_valid = &values[row];
          continue;
        }
        report(row, field.name,
               symbol.is_ok()
                   ? field_error(ErrorCode::kInvalidSymbol, field.name,
                                 "row {} column '{}' holds '{}', which is not canonical: use '{}'",
                                 row, field.name, values[row], symbol->to_string())
                   : field_error(ErrorCode::kInvalidSymbol, field.name, "row {}: {}", row,
                                 symbol.status().message()));
      }
    }
  }
  RowCheck check;
  check.valid_rows.reserve(rows);
  for (size_t row = 0; row < rows; ++row) {
    if (first_problem[row].is_ok()) {
      check.valid_rows.push_back(static_cast<uint32_t>(row));
    } else {
      check.errors.push_back(
          {static_cast<int64_t>(row), 1, problem_column[row], first_problem[row]});
    }
  }
  return check;
}

RecordBatch select_rows(const RecordBatch& batch, const std::vector<uint32_t>& rows) {
  std::vector<Column> columns;
  columns.reserve(batch.num_columns());
  for (size_t column_idx = 0; column_idx < batch.num_columns(); ++column_idx) {
    const Column& source = batch.column(column_idx);
    ColumnValues values = std::visit(
        [&](const auto& all) -> ColumnValues {
          std::decay_t<decltype(all)> picked;
          picked.reserve(rows.size());
          for (uint32_t row : rows) picked.push_back(all[row]);
          return picked;
        },
        source.values());
    std::vector<uint8_t> validity;
    if (source.has_nulls()) {
      validity.reserve(rows.size());
      for (uint32_t row : rows) validity.push_back(source.validity()[row]);
    }
    columns.emplace_back(std::move(values), std::move(validity));
  }
  Result<RecordBatch> picked = RecordBatch::make(batch.schema_ptr(), std::move(columns));
  return picked.is_ok() ? std::move(*picked) : RecordBatch();  // same schema: cannot fail
}

}  // namespace mystocks::services
