// Row -> JSON: the tree form (realtime feed, small answers) and the text form (large answers)
// agree value for value on every column type, nulls included, and decimals print exactly.
#include "core/row_json.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "core/json_text.h"

namespace mystocks {
namespace {

namespace json = boost::json;

RecordBatch every_type() {
  auto schema =
      std::make_shared<const Schema>(std::vector<Field>{{"flag", ColumnType::kBool, 0, true},
                                                        {"count", ColumnType::kInt32},
                                                        {"volume", ColumnType::kInt64},
                                                        {"ratio", ColumnType::kDouble, 0, true},
                                                        {"price", ColumnType::kDecimal, 3, true},
                                                        {"ts", ColumnType::kTimestamp},
                                                        {"day", ColumnType::kDate},
                                                        {"name\"q", ColumnType::kString}});
  RecordBatchBuilder builder(schema);
  builder.append_bool(0, true);
  builder.append_int32(1, -7);
  builder.append_int64(2, 123456789012);
  builder.append_double(3, 0.125);
  builder.append_int64(4, 1850010);
  builder.append_int64(5, 1706664600000);
  builder.append_int32(6, 19753);
  builder.append_string(7, "贵州\n\"茅台\"");
  builder.append_null(0);
  builder.append_int32(1, 0);
  builder.append_int64(2, 0);
  builder.append_null(3);
  builder.append_null(4);
  builder.append_int64(5, 0);
  builder.append_int32(6, 0);
  builder.append_string(7, "");
  Result<RecordBatch> batch = builder.finish();
  EXPECT_TRUE(batch.is_ok()) << batch.status().to_string();
  return std::move(batch).value();
}

TEST(RowJsonTest, TextFormEqualsTheTreeSerialised) {
  const RecordBatch batch = every_type();
  std::string text;
  append_rows_json(text, batch);
  EXPECT_EQ(text, to_json_text(rows_json(batch)));
  EXPECT_EQ(json::parse(text).at(0).at("price"), 1850.01);
  EXPECT_EQ(json::parse(text).at(0).at("day"), "2024-01-31");
  EXPECT_EQ(json::parse(text).at(1).at("price"), nullptr);
  for (size_t column_idx = 0; column_idx < batch.num_columns(); ++column_idx) {
    const Field& field = batch.schema().field(column_idx);
    std::string column;
    append_column_json(column, field, batch.column(column_idx));
    EXPECT_EQ(column, to_json_text(column_json(field, batch.column(column_idx)))) << field.name;
  }
}

TEST(RowJsonTest, TreeFormUsesTheGivenStorage) {
  const RecordBatch batch = every_type();
  json::storage_ptr arena = json::make_shared_resource<json::monotonic_resource>();
  const json::array rows = rows_json(batch, arena);
  EXPECT_EQ(rows.storage().get(), arena.get());
  EXPECT_EQ(rows.at(0).as_object().storage().get(), arena.get());
  EXPECT_EQ(rows, rows_json(batch));
}

// The text writer decides "integral, so append .0" from the units: every scale, sign and
// trailing-zero case prints what the tree (Decimal -> double -> shortest text) prints.
TEST(RowJsonTest, DecimalsPrintAsTheTreeDoesAtEveryScale) {
  const std::vector<int64_t> units = {0,      1,        -1,    5,         -5,      10,
                                      100,    1000,     -1000, 1850010,   1850000, -27000,
                                      123456, -9999999, 250,   100000000, 7,       1000001};
  for (int scale = 0; scale <= 6; ++scale) {
    const Field field{"price", ColumnType::kDecimal, scale};
    RecordBatchBuilder builder(std::make_shared<const Schema>(std::vector<Field>{field}));
    for (const int64_t value : units) builder.append_int64(0, value);
    Result<RecordBatch> batch = builder.finish();
    ASSERT_TRUE(batch.is_ok());
    std::string text;
    append_column_json(text, field, batch->column(0));
    EXPECT_EQ(text, to_json_text(column_json(field, batch->column(0)))) << "scale " << scale;
    std::string rows;
    append_rows_json(rows, *batch);
    EXPECT_EQ(rows, to_json_text(rows_json(*batch))) << "scale " << scale;
  }
}

TEST(RowJsonTest, ColumnsMembersNameTheColumnsCountAndArrays) {
  const RecordBatch batch = every_type();
  std::string text = "{";
  append_columns_json(text, batch);
  text += '}';
  const json::value parsed = json::parse(text);
  EXPECT_EQ(parsed.at("columns"),
            (json::array{"flag", "count", "volume", "ratio", "price", "ts", "day", "name\"q"}));
  EXPECT_EQ(parsed.at("count"), 2);
  for (size_t column_idx = 0; column_idx < batch.num_columns(); ++column_idx) {
    const Field& field = batch.schema().field(column_idx);
    EXPECT_EQ(parsed.at("data").at(field.name), column_json(field, batch.column(column_idx)))
        << field.name;
  }
}

}  // namespace
}  // namespace mystocks
