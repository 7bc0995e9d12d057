// Shared helpers of the sources tests: the real tables.yaml catalog, value rendering for
// data-driven expectations, column access by name and a self-removing temporary directory.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include "core/decimal.h"
#include "core/record_batch.h"
#include "core/timestamp.h"
#include "storage/tables_yaml.h"
#include "support/source_dir.h"

namespace mystocks::sources::test {

// config/tables.yaml, loaded once.
inline std::shared_ptr<const storage::TableCatalog> catalog() {
  static const std::shared_ptr<const storage::TableCatalog> loaded = [] {
    Result<storage::TableCatalog> parsed =
        storage::load_tables_yaml(mystocks::test::source_path("config/tables.yaml"));
    if (!parsed.is_ok()) {
      ADD_FAILURE() << parsed.status().to_string();
      return std::make_shared<const storage::TableCatalog>();
    }
    return std::make_shared<const storage::TableCatalog>(std::move(parsed).value());
  }();
  return loaded;
}

inline const storage::TableSchema& table(std::string_view name) {
  Result<const storage::TableSchema*> found = catalog()->find(name);
  EXPECT_TRUE(found.is_ok()) << found.status().to_string();
  return **found;
}

// Typed column by name; fails the test when absent.
template <typename T>
const std::vector<T>& column(const RecordBatch& batch, std::string_view name) {
  const Column* found = batch.column(name);
  if (found == nullptr) {
    ADD_FAILURE() << "no column " << name;
    static const std::vector<T> kEmpty;
    return kEmpty;
  }
  return found->as<T>();
}

inline bool is_null(const RecordBatch& batch, std::string_view name, size_t row) {
  const Column* found = batch.column(name);
  return found == nullptr || found->is_null(row);
}

// One value as text: decimals at their scale, dates as YYYY-MM-DD, instants as ISO-8601 UTC.
inline std::string render(const RecordBatch& batch, size_t column_idx, size_t row) {
  const Column& column = batch.column(column_idx);
  if (column.is_null(row)) return "null";
  const Field& field = batch.schema().field(column_idx);
  switch (field.type) {
    case ColumnType::kBool:
      return column.as<uint8_t>()[row] ? "true" : "false";
    case ColumnType::kInt32:
      return std::to_string(column.as<int32_t>()[row]);
    case ColumnType::kDate:
      return Date{column.as<int32_t>()[row]}.to_string();
    case ColumnType::kInt64:
      return std::to_string(column.as<int64_t>()[row]);
    case ColumnType::kTimestamp:
      return format_iso8601_utc(column.as<int64_t>()[row]);
    case ColumnType::kDecimal:
      return Decimal(column.as<int64_t>()[row], field.scale).to_string();
    case ColumnType::kDouble:
      return fmt::format("{}", column.as<double>()[row]);
    case ColumnType::kString:
      return column.as<std::string>()[row];
  }
  return "?";
}

inline TimestampMs at(int year, unsigned month, unsigned day, int hour, int minute,
                      int second = 0) {
  return shanghai_time(Date::from_ymd(year, month, day), hour, minute, second);
}

class TempDirectory {
 public:
  TempDirectory() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "mystocks-sources-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = pattern;
  }
  ~TempDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDirectory(const TempDirectory&) = delete;
  TempDirectory& operator=(const TempDirectory&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace mystocks::sources::test
