#include "sources/table_writer.h"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "core/decimal.h"

namespace mystocks::sources {

TableWriter::TableWriter(const storage::TableSchema& table) : table_(&table) {
  const Schema& schema = *table.schema();
  columns_.reserve(schema.size());
  for (const Field& field : schema.fields()) columns_.emplace_back(empty_values_for(field.type));
  slots_.resize(schema.size());
  for (size_t index = 0; index < schema.size(); ++index) {
    const Field& field = schema.field(index);
    Slot& slot = slots_[index];
    slot.type = field.type;
    slot.nullable = field.nullable;
    slot.cents_factor =
        field.type == ColumnType::kDecimal && field.scale >= 2 ? pow10_int64(field.scale - 2) : 0;
    slot.scale = field.scale;
    bind(index);
  }
}

void TableWriter::bind(size_t index) {
  Slot& slot = slots_[index];
  slot.column = &columns_[index];
  slot.int64s = std::get_if<std::vector<int64_t>>(&slot.column->mutable_values());
  slot.int32s = std::get_if<std::vector<int32_t>>(&slot.column->mutable_values());
  slot.validity = &slot.column->mutable_validity();
  slot.size = slot.column->size();
}

int TableWriter::column(std::string_view name) const {
  std::optional<size_t> index = table_->schema()->index_of(name);
  return index ? static_cast<int>(*index) : kAbsent;
}

Status TableWriter::require_fillable(std::span<const std::string_view> filled,
                                     std::string_view who) const {
  for (const Field& field : table_->schema()->fields()) {
    const bool fills = std::find(filled.begin(), filled.end(), field.name) != filled.end();
    if (fills && field.type == ColumnType::kDecimal && field.scale < 2) {
      return error(ErrorCode::kFailedPrecondition,
                   "{} writes cents into column '{}' of table '{}', declared {} (tables.yaml): "
                   "expected decimal(2) or finer",
                   who, field.name, table_->name, field.type_string());
    }
    if (field.nullable) continue;
    if (std::find(filled.begin(), filled.end(), field.name) != filled.end()) continue;
    return error(ErrorCode::kFailedPrecondition,
                 "{} cannot fill non-nullable column '{}' of table '{}' (tables.yaml); declare it "
                 "nullable or teach {} to produce it",
                 who, field.name, table_->name, who);
  }
  return Status::ok();
}

void TableWriter::reserve(size_t rows) {
  for (Column& column : columns_) {
    std::visit([rows](auto& values) { values.reserve(rows); }, column.mutable_values());
  }
}

void TableWriter::put_int64(int column, int64_t value) {
  if (column == kAbsent) return;
  Slot& slot = slots_[column];
  assert(slot.type == ColumnType::kInt64 || slot.type == ColumnType::kTimestamp ||
         slot.type == ColumnType::kDecimal);
  slot.int64s->push_back(value);
  mark_valid(slot);
}

void TableWriter::put_int32(int column, int32_t value) {
  if (column == kAbsent) return;
  Slot& slot = slots_[column];
  assert(slot.type == ColumnType::kInt32 || slot.type == ColumnType::kDate);
  slot.int32s->push_back(value);
  mark_valid(slot);
}

void TableWriter::put_double(int column, double value) {
  if (column == kAbsent) return;
  Slot& slot = slots_[column];
  assert(slot.type == ColumnType::kDouble);
  slot.column->mutable_as<double>().push_back(value);
  mark_valid(slot);
}

void TableWriter::put_bool(int column, bool value) {
  if (column == kAbsent) return;
  Slot& slot = slots_[column];
  assert(slot.type == ColumnType::kBool);
  slot.column->mutable_as<uint8_t>().push_back(value ? 1 : 0);
  mark_valid(slot);
}

void TableWriter::put_string(int column, std::string_view value) {
  if (column == kAbsent) return;
  Slot& slot = slots_[column];
  assert(slot.type == ColumnType::kString);
  slot.column->mutable_as<std::string>().emplace_back(value);
  mark_valid(slot);
}

void TableWriter::put_cents(int column, int64_t cents) {
  if (column == kAbsent) return;
  Slot& slot = slots_[column];
  assert(slot.type == ColumnType::kDecimal && slot.cents_factor > 0);
  slot.int64s->push_back(cents * slot.cents_factor);
  mark_valid(slot);
}

void TableWriter::put_decimal(int column, double value) {
  if (column == kAbsent) return;
  Slot& slot = slots_[column];
  assert(slot.type == ColumnType::kDecimal);
  slot.int64s->push_back(std::llround(value * static_cast<double>(pow10_int64(slot.scale))));
  mark_valid(slot);
}

void TableWriter::put_null(int column) {
  if (column == kAbsent) return;
  Slot& slot = slots_[column];
  Column& target = *slot.column;
  std::vector<uint8_t>& validity = target.mutable_validity();
  // Validity is materialised lazily, as RecordBatchBuilder does: all-valid columns carry none.
  if (validity.empty()) validity.assign(slot.size, 1);
  std::visit([](auto& values) { values.emplace_back(); }, target.mutable_values());
  validity.push_back(0);
  ++slot.size;
}

void TableWriter::end_row() {
  ++rows_;
  for (size_t index = 0; index < slots_.size(); ++index) {
    if (slots_[index].size < rows_) put_null(static_cast<int>(index));
  }
}

void TableWriter::abandon_row() {
  for (Slot& slot : slots_) {
    Column& target = *slot.column;
    if (slot.size <= rows_) continue;
    std::visit([this](auto& values) { values.resize(rows_); }, target.mutable_values());
    std::vector<uint8_t>& validity = target.mutable_validity();
    if (validity.size() > rows_) validity.resize(rows_);
    slot.size = rows_;
  }
}

Result<RecordBatch> TableWriter::finish() {
  std::vector<Column> columns;
  columns.reserve(columns_.size());
  for (Column& column : columns_) {
    // A validity vector without any null is dropped: consumers treat "empty" as all valid.
    std::vector<uint8_t>& validity = column.mutable_validity();
    if (!validity.empty() && std::find(validity.begin(), validity.end(), 0) == validity.end()) {
      validity.clear();
    }
    columns.push_back(std::move(column));
  }
  const Schema& schema = *table_->schema();
  columns_.clear();
  for (const Field& field : schema.fields()) columns_.emplace_back(empty_values_for(field.type));
  for (size_t index = 0; index < slots_.size(); ++index) bind(index);
  rows_ = 0;
  return RecordBatch::make(table_->schema(), std::move(columns));
}

}  // namespace mystocks::sources
