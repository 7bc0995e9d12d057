// RecordBatch: the in-process columnar unit (schema + typed column vectors). Sources produce
// batches, stores consume them, the API serialises them; hot paths touch whole columns, never
// rows. Invariant: every column has num_rows() values and its storage matches its field's type.
// A built batch is immutable: const access from any thread; building needs one owner.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/status.h"

namespace mystocks {

enum class ColumnType : uint8_t {
  kBool,       // stored as uint8_t 0/1
  kInt32,      // int32_t
  kInt64,      // int64_t
  kDouble,     // double
  kDecimal,    // int64_t units at the field's scale (core/decimal.h)
  kTimestamp,  // int64_t epoch milliseconds UTC
  kDate,       // int32_t days since 1970-01-01
  kString,     // std::string
};

std::string_view column_type_name(ColumnType type);
// Parses "bool", "int32", "int64", "double", "decimal(2)", "timestamp", "date", "string".
Result<std::pair<ColumnType, int>> parse_column_type(std::string_view text);

struct Field {
  std::string name;
  ColumnType type = ColumnType::kInt64;
  int scale = 0;          // decimal places for kDecimal, 0 otherwise
  bool nullable = false;  // nulls rejected unless declared

  std::string type_string() const;  // "decimal(2)", "int64", ...
  friend bool operator==(const Field&, const Field&) = default;
};

class Schema {
 public:
  Schema() = default;
  explicit Schema(std::vector<Field> fields);

  const std::vector<Field>& fields() const { return fields_; }
  size_t size() const { return fields_.size(); }
  const Field& field(size_t index) const { return fields_[index]; }
  std::optional<size_t> index_of(std::string_view name) const;
  friend bool operator==(const Schema& a, const Schema& b) { return a.fields_ == b.fields_; }

 private:
  std::vector<Field> fields_;
};

using ColumnValues = std::variant<std::vector<uint8_t>, std::vector<int32_t>, std::vector<int64_t>,
                                  std::vector<double>, std::vector<std::string>>;

// The ColumnValues alternative that stores `type` (an empty vector of the right kind).
ColumnValues empty_values_for(ColumnType type);

class Column {
 public:
  Column() = default;
  // `validity` is empty when every value is present, else one byte (0 = null) per value.
  explicit Column(ColumnValues values, std::vector<uint8_t> validity = {})
      : values_(std::move(values)), validity_(std::move(validity)) {}

  size_t size() const;
  bool is_null(size_t row) const { return !validity_.empty() && validity_[row] == 0; }
  bool has_nulls() const;
  const ColumnValues& values() const { return values_; }
  const std::vector<uint8_t>& validity() const { return validity_; }

  // Typed access. REQUIRES: T is the storage type of the column (checked by RecordBatch::make).
  template <typename T>
  const std::vector<T>& as() const { return std::get<std::vector<T>>(values_); }
  template <typename T>
  std::vector<T>& mutable_as() { return std::get<std::vector<T>>(values_); }
  ColumnValues& mutable_values() { return values_; }
  std::vector<uint8_t>& mutable_validity() { return validity_; }

 private:
  ColumnValues values_;
  std::vector<uint8_t> validity_;
};

class RecordBatch {
 public:
  RecordBatch() : schema_(std::make_shared<const Schema>()) {}

  // Validates storage types, column lengths, validity lengths and non-nullable fields; errors
  // name the column (and the first null row).
  static Result<RecordBatch> make(std::shared_ptr<const Schema> schema, std::vector<Column> columns);

  const Schema& schema() const { return *schema_; }
  const std::shared_ptr<const Schema>& schema_ptr() const { return schema_; }
  size_t num_rows() const { return num_rows_; }
  size_t num_columns() const { return columns_.size(); }
  const Column& column(size_t index) const { return columns_[index]; }
  // nullptr when the schema has no such column.
  const Column* column(std::string_view name) const;

 private:
  RecordBatch(std::shared_ptr<const Schema> schema, std::vector<Column> columns, size_t rows)
      : schema_(std::move(schema)), columns_(std::move(columns)), num_rows_(rows) {}

  std::shared_ptr<const Schema> schema_;
  std::vector<Column> columns_;
  size_t num_rows_ = 0;
};

// Builds a batch column by column or row by row (tests, sources, CSV import). One owner.
class RecordBatchBuilder {
 public:
  explicit RecordBatchBuilder(std::shared_ptr<const Schema> schema);

  void reserve(size_t rows);
  // Appenders by column index; the value kind must match the column's storage type.
  void append_int64(size_t column, int64_t value);
  void append_int32(size_t column, int32_t value);
  void append_double(size_t column, double value);
  void append_bool(size_t column, bool value);
  void append_string(size_t column, std::string value);
  void append_null(size_t column);

  Result<RecordBatch> finish();

 private:
  void mark_valid(size_t column);

  std::shared_ptr<const Schema> schema_;
  std::vector<Column> columns_;
};

}  // namespace mystocks
