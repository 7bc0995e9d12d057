#include "core/record_batch.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

namespace mystocks {
namespace {

// Index of the ColumnValues alternative that stores `type`.
size_t storage_index(ColumnType type) {
  switch (type) {
    case ColumnType::kBool: return 0;
    case ColumnType::kInt32:
    case ColumnType::kDate: return 1;
    case ColumnType::kInt64:
    case ColumnType::kDecimal:
    case ColumnType::kTimestamp: return 2;
    case ColumnType::kDouble: return 3;
    case ColumnType::kString: return 4;
  }
  return 2;
}

}  // namespace

std::string_view column_type_name(ColumnType type) {
  switch (type) {
    case ColumnType::kBool: return "bool";
    case ColumnType::kInt32: return "int32";
    case ColumnType::kInt64: return "int64";
    case ColumnType::kDouble: return "double";
    case ColumnType::kDecimal: return "decimal";
    case ColumnType::kTimestamp: return "timestamp";
    case ColumnType::kDate: return "date";
    case ColumnType::kString: return "string";
  }
  return "unknown";
}

Result<std::pair<ColumnType, int>> parse_column_type(std::string_view text) {
  static constexpr std::pair<std::string_view, ColumnType> kSimple[] = {
      {"bool", ColumnType::kBool},           {"int32", ColumnType::kInt32},
      {"int64", ColumnType::kInt64},         {"double", ColumnType::kDouble},
      {"timestamp", ColumnType::kTimestamp}, {"date", ColumnType::kDate},
      {"string", ColumnType::kString}};
  for (const auto& [name, type] : kSimple) {
    if (text == name) return std::pair{type, 0};
  }
  if (text.starts_with("decimal(") && text.ends_with(")")) {
    std::string_view digits = text.substr(8, text.size() - 9);
    int scale = -1;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), scale);
    if (ec == std::errc() && ptr == digits.data() + digits.size() && scale >= 0 && scale <= 18) {
      return std::pair{ColumnType::kDecimal, scale};
    }
  }
  return error(ErrorCode::kInvalidArgument,
               "column type '{}' is unknown: expected bool, int32, int64, double, decimal(0..18), "
               "timestamp, date or string",
               text);
}

std::string Field::type_string() const {
  if (type == ColumnType::kDecimal) return fmt::format("decimal({})", scale);
  return std::string(column_type_name(type));
}

Schema::Schema(std::vector<Field> fields) : fields_(std::move(fields)) {}

std::optional<size_t> Schema::index_of(std::string_view name) const {
  for (size_t index = 0; index < fields_.size(); ++index) {
    if (fields_[index].name == name) return index;
  }
  return std::nullopt;
}

ColumnValues empty_values_for(ColumnType type) {
  switch (storage_index(type)) {
    case 0: return std::vector<uint8_t>{};
    case 1: return std::vector<int32_t>{};
    case 3: return std::vector<double>{};
    case 4: return std::vector<std::string>{};
    default: return std::vector<int64_t>{};
  }
}

size_t Column::size() const {
  return std::visit([](const auto& values) { return values.size(); }, values_);
}

bool Column::has_nulls() const {
  return std::find(validity_.begin(), validity_.end(), 0) != validity_.end();
}

Result<RecordBatch> RecordBatch::make(std::shared_ptr<const Schema> schema,
                                      std::vector<Column> columns) {
  if (columns.size() != schema->size()) {
    return error(ErrorCode::kSchemaMismatch, "batch has {} columns but its schema declares {}",
                 columns.size(), schema->size());
  }
  const size_t rows = columns.empty() ? 0 : columns[0].size();
  for (size_t index = 0; index < columns.size(); ++index) {
    const Field& field = schema->field(index);
    const Column& column = columns[index];
    if (column.values().index() != storage_index(field.type)) {
      return field_error(ErrorCode::kSchemaMismatch, field.name,
                         "column '{}' holds values of the wrong kind for type {}", field.name,
                         field.type_string());
    }
    if (column.size() != rows) {
      return field_error(ErrorCode::kSchemaMismatch, field.name,
                         "column '{}' has {} values but column '{}' has {}", field.name,
                         column.size(), schema->field(0).name, rows);
    }
    if (!column.validity().empty() && column.validity().size() != rows) {
      return field_error(ErrorCode::kSchemaMismatch, field.name,
                         "column '{}' has {} validity flags for {} values", field.name,
                         column.validity().size(), rows);
    }
    if (!field.nullable && column.has_nulls()) {
      const auto& validity = column.validity();
      const size_t row = std::find(validity.begin(), validity.end(), 0) - validity.begin();
      return field_error(ErrorCode::kSchemaMismatch, field.name,
                         "column '{}' is not nullable but row {} is null", field.name, row);
    }
  }
  return RecordBatch(std::move(schema), std::move(columns), rows);
}

const Column* RecordBatch::column(std::string_view name) const {
  std::optional<size_t> index = schema_->index_of(name);
  return index ? &columns_[*index] : nullptr;
}

RecordBatchBuilder::RecordBatchBuilder(std::shared_ptr<const Schema> schema)
    : schema_(std::move(schema)) {
  columns_.reserve(schema_->size());
  for (const Field& field : schema_->fields()) columns_.emplace_back(empty_values_for(field.type));
}

void RecordBatchBuilder::reserve(size_t rows) {
  for (Column& column : columns_) {
    std::visit([rows](auto& values) { values.reserve(rows); },
               column.mutable_values());
  }
}

void RecordBatchBuilder::mark_valid(size_t column) {
  std::vector<uint8_t>& validity = columns_[column].mutable_validity();
  if (!validity.empty()) validity.push_back(1);
}

void RecordBatchBuilder::append_int64(size_t column, int64_t value) {
  columns_[column].mutable_as<int64_t>().push_back(value);
  mark_valid(column);
}
void RecordBatchBuilder::append_int32(size_t column, int32_t value) {
  columns_[column].mutable_as<int32_t>().push_back(value);
  mark_valid(column);
}
void RecordBatchBuilder::append_double(size_t column, double value) {
  columns_[column].mutable_as<double>().push_back(value);
  mark_valid(column);
}
void RecordBatchBuilder::append_bool(size_t column, bool value) {
  columns_[column].mutable_as<uint8_t>().push_back(value ? 1 : 0);
  mark_valid(column);
}
void RecordBatchBuilder::append_string(size_t column, std::string value) {
  columns_[column].mutable_as<std::string>().push_back(std::move(value));
  mark_valid(column);
}

void RecordBatchBuilder::append_null(size_t column) {
  Column& target = columns_[column];
  std::vector<uint8_t>& validity = target.mutable_validity();
  const size_t before = target.size();
  // Validity is materialised lazily: all-valid columns carry no flags at all.
  if (validity.empty()) validity.assign(before, 1);
  std::visit([](auto& values) { values.emplace_back(); }, target.mutable_values());
  validity.push_back(0);
}

Result<RecordBatch> RecordBatchBuilder::finish() {
  Result<RecordBatch> batch = RecordBatch::make(schema_, std::move(columns_));
  columns_.clear();
  for (const Field& field : schema_->fields()) columns_.emplace_back(empty_values_for(field.type));
  return batch;
}

}  // namespace mystocks
