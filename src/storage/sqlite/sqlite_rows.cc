#include "storage/sqlite/sqlite_rows.h"

#include <algorithm>
#include <memory>

#include <sqlite3.h>

#include "storage/sqlite/sqlite_connection.h"

namespace mystocks::storage {

void bind_params(sqlite3_stmt* statement, const std::vector<BoundValue>& params) {
  for (size_t index = 0; index < params.size(); ++index) {
    const int slot = static_cast<int>(index + 1);
    const Value& value = params[index].value;
    if (const bool* flag = std::get_if<bool>(&value)) {
      sqlite3_bind_int(statement, slot, *flag ? 1 : 0);
    } else if (const int64_t* integer = std::get_if<int64_t>(&value)) {
      sqlite3_bind_int64(statement, slot, *integer);
    } else if (const double* number = std::get_if<double>(&value)) {
      sqlite3_bind_double(statement, slot, *number);
    } else {
      const auto& text = std::get<std::string>(value);
      sqlite3_bind_text64(statement, slot, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
    }
  }
}

SqliteRowBinder::SqliteRowBinder(const RecordBatch& batch) {
  columns_.reserve(batch.num_columns());
  for (size_t column_idx = 0; column_idx < batch.num_columns(); ++column_idx) {
    const Column& column = batch.column(column_idx);
    const void* values = std::visit([](const auto& vector) -> const void* { return vector.data(); },
                                    column.values());
    columns_.push_back({batch.schema().field(column_idx).type, values,
                        column.validity().empty() ? nullptr : column.validity().data()});
  }
}

void SqliteRowBinder::bind(sqlite3_stmt* statement, size_t row, int first_slot) const {
  int slot = first_slot;
  for (const BoundColumn& column : columns_) {
    if (column.validity != nullptr && column.validity[row] == 0) {
      sqlite3_bind_null(statement, slot++);
      continue;
    }
    switch (column.type) {
      case ColumnType::kBool:
        sqlite3_bind_int(statement, slot, static_cast<const uint8_t*>(column.values)[row] != 0);
        break;
      case ColumnType::kInt32:
      case ColumnType::kDate:
        sqlite3_bind_int(statement, slot, static_cast<const int32_t*>(column.values)[row]);
        break;
      case ColumnType::kInt64:
      case ColumnType::kDecimal:
      case ColumnType::kTimestamp:
        sqlite3_bind_int64(statement, slot, static_cast<const int64_t*>(column.values)[row]);
        break;
      case ColumnType::kDouble:
        sqlite3_bind_double(statement, slot, static_cast<const double*>(column.values)[row]);
        break;
      case ColumnType::kString: {
        const std::string& text = static_cast<const std::string*>(column.values)[row];
        sqlite3_bind_text64(statement, slot, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
        break;
      }
    }
    ++slot;
  }
}

namespace {

// Appends the current row's cell to `column`. One sqlite3_column_value per cell, then the
// sqlite3_value_* accessors: each sqlite3_column_* call looks the column up again and passes the
// connection's error and mutex bookkeeping (sqlite3ApiExit), so type-then-value was two of them.
// The value is "unprotected" (SQLite's term): safe because one thread at a time uses a
// connection (the store's slot mutex), and read before the next step.
void append_cell(sqlite3_stmt* statement, int slot, ColumnType type, Column& column) {
  sqlite3_value* value = sqlite3_column_value(statement, slot);
  column.mutable_validity().push_back(sqlite3_value_type(value) == SQLITE_NULL ? 0 : 1);
  switch (type) {
    case ColumnType::kBool:
      column.mutable_as<uint8_t>().push_back(sqlite3_value_int(value) != 0);
      return;
    case ColumnType::kInt32:
    case ColumnType::kDate:
      column.mutable_as<int32_t>().push_back(sqlite3_value_int(value));
      return;
    case ColumnType::kInt64:
    case ColumnType::kDecimal:
    case ColumnType::kTimestamp:
      column.mutable_as<int64_t>().push_back(sqlite3_value_int64(value));
      return;
    case ColumnType::kDouble:
      column.mutable_as<double>().push_back(sqlite3_value_double(value));
      return;
    case ColumnType::kString: {
      const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(value));
      const int size = sqlite3_value_bytes(value);
      column.mutable_as<std::string>().emplace_back(text != nullptr ? text : "",
                                                    static_cast<size_t>(size));
      return;
    }
  }
}

// Room for a typical answer (a year of daily bars) up front: growing nine columns and their
// validity from empty costs a dozen reallocations and copies each.
constexpr size_t kReservedRows = 256;

void reserve_rows(Column& column, size_t rows) {
  std::visit([rows](auto& values) { values.reserve(rows); }, column.mutable_values());
  column.mutable_validity().reserve(rows);
}

}  // namespace

Result<RecordBatch> read_rows(SqliteConnection& connection, sqlite3_stmt* statement,
                              const std::vector<Field>& fields, const std::string& table,
                              int64_t max_rows) {
  std::vector<Column> columns;
  columns.reserve(fields.size());
  const size_t reserved = max_rows >= 0 ? std::min<size_t>(kReservedRows, max_rows) : kReservedRows;
  for (const Field& field : fields) {
    columns.emplace_back(empty_values_for(field.type));
    reserve_rows(columns.back(), reserved);
  }
  size_t rows = 0;
  while (true) {
    const int rc = sqlite3_step(statement);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return connection.status_of(rc, "reading rows of table '" + table + "'");
    if (max_rows >= 0 && static_cast<int64_t>(rows) >= max_rows) {
      sqlite3_reset(statement);
      return too_many_rows(table, max_rows);
    }
    for (size_t column_idx = 0; column_idx < fields.size(); ++column_idx) {
      append_cell(statement, static_cast<int>(column_idx), fields[column_idx].type,
                  columns[column_idx]);
    }
    ++rows;
  }
  sqlite3_reset(statement);
  for (Column& column : columns) {
    if (!column.has_nulls()) column.mutable_validity().clear();  // "all valid" is an empty vector
  }
  return RecordBatch::make(std::make_shared<const Schema>(fields), std::move(columns));
}

}  // namespace mystocks::storage
