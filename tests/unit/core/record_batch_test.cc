#include "core/record_batch.h"

#include <gtest/gtest.h>

namespace mystocks {
namespace {

std::shared_ptr<const Schema> bar_schema() {
  return std::make_shared<const Schema>(std::vector<Field>{
      {"ts", ColumnType::kTimestamp},
      {"symbol", ColumnType::kString},
      {"close", ColumnType::kDecimal, 2},
      {"volume", ColumnType::kInt64},
      {"turnover", ColumnType::kDouble, 0, true},
  });
}

TEST(ColumnTypeTest, ParsesDeclaredTypes) {
  EXPECT_EQ(parse_column_type("decimal(4)")->first, ColumnType::kDecimal);
  EXPECT_EQ(parse_column_type("decimal(4)")->second, 4);
  EXPECT_EQ(parse_column_type("timestamp")->first, ColumnType::kTimestamp);
  EXPECT_FALSE(parse_column_type("decimal(19)").is_ok());
  EXPECT_FALSE(parse_column_type("decimal()").is_ok());
  EXPECT_FALSE(parse_column_type("float").is_ok());
  EXPECT_EQ((Field{"p", ColumnType::kDecimal, 3}.type_string()), "decimal(3)");
}

TEST(RecordBatchTest, BuilderProducesTypedColumns) {
  RecordBatchBuilder builder(bar_schema());
  builder.reserve(2);
  for (int row = 0; row < 2; ++row) {
    builder.append_int64(0, 1000 + row);
    builder.append_string(1, "600519.SH");
    builder.append_int64(2, 170000 + row);
    builder.append_int64(3, 100 * (row + 1));
    if (row == 0) builder.append_double(4, 1.5); else builder.append_null(4);
  }
  Result<RecordBatch> batch = builder.finish();
  ASSERT_TRUE(batch.is_ok()) << batch.status().to_string();
  EXPECT_EQ(batch->num_rows(), 2u);
  EXPECT_EQ(batch->column("close")->as<int64_t>()[1], 170001);
  EXPECT_FALSE(batch->column("turnover")->is_null(0));
  EXPECT_TRUE(batch->column("turnover")->is_null(1));
  EXPECT_FALSE(batch->column("volume")->has_nulls());
  EXPECT_EQ(batch->column("missing"), nullptr);
}

TEST(RecordBatchTest, RejectsNullInNonNullableColumnNamingRow) {
  RecordBatchBuilder builder(bar_schema());
  builder.append_int64(0, 1);
  builder.append_string(1, "x");
  builder.append_int64(2, 1);
  builder.append_null(3);
  builder.append_double(4, 0);
  Result<RecordBatch> batch = builder.finish();
  ASSERT_FALSE(batch.is_ok());
  EXPECT_EQ(batch.status().field(), "volume");
  EXPECT_NE(batch.status().message().find("row 0 is null"), std::string::npos);
}

TEST(RecordBatchTest, RejectsRaggedAndMistypedColumns) {
  auto schema = std::make_shared<const Schema>(
      std::vector<Field>{{"a", ColumnType::kInt64}, {"b", ColumnType::kDouble}});
  Result<RecordBatch> ragged = RecordBatch::make(
      schema, {Column(std::vector<int64_t>{1, 2}), Column(std::vector<double>{1.0})});
  ASSERT_FALSE(ragged.is_ok());
  EXPECT_EQ(ragged.status().field(), "b");
  Result<RecordBatch> mistyped = RecordBatch::make(
      schema, {Column(std::vector<int64_t>{1}), Column(std::vector<int64_t>{1})});
  ASSERT_FALSE(mistyped.is_ok());
  EXPECT_NE(mistyped.status().message().find("wrong kind for type double"), std::string::npos);
  EXPECT_FALSE(RecordBatch::make(schema, {Column(std::vector<int64_t>{1})}).is_ok());
}

}  // namespace
}  // namespace mystocks
