// The shipped minute_kline declaration gaining its nullable `final` column over a store created
// before it: bars flushed to segments and bars still in the write-ahead log read null (final by
// the column's contract), and bars written afterwards keep their value.
#include <optional>
#include <string>
#include <string_view>

#include "storage/tables_yaml.h"
#include "storage/tsdb/byte_stream.h"
#include "storage/tsdb/table_info.h"
#include "support/assert_status.h"
#include "support/source_dir.h"
#include "unit/storage/tsdb/tsdb_test_util.h"

namespace mystocks::tsdb::test {
namespace {

struct Bar {
  int64_t ts = 0;
  std::optional<bool> is_final;  // written only when the table declares `final`
};

RecordBatch minute_bars(const storage::TableSchema& table, const std::vector<Bar>& bars) {
  RecordBatchBuilder builder(table.schema());
  const Schema& schema = *table.schema();
  for (const Bar& bar : bars) {
    for (size_t column = 0; column < schema.size(); ++column) {
      const std::string& name = schema.field(column).name;
      if (name == "ts") {
        builder.append_int64(column, bar.ts);
      } else if (name == "symbol") {
        builder.append_string(column, "600519.SH");
      } else if (name == "frequency") {
        builder.append_string(column, "1m");
      } else if (name == "final") {
        bar.is_final ? builder.append_bool(column, *bar.is_final) : builder.append_null(column);
      } else {
        builder.append_int64(column, 1000);  // prices, volume and amount alike
      }
    }
  }
  Result<RecordBatch> batch = builder.finish();
  EXPECT_TRUE(batch.is_ok()) << batch.status().to_string();
  return std::move(*batch);
}

TEST(StoreUpgradeTest, MinuteKlineGainsFinalOverAnExistingStore) {
  Result<storage::TableCatalog> catalog =
      storage::load_tables_yaml(mystocks::test::source_path("config/tables.yaml"));
  ASSERT_TRUE(catalog.is_ok()) << catalog.status().to_string();
  const storage::TableSchema& shipped = **catalog->find("minute_kline");
  ASSERT_NE(shipped.column("final"), nullptr);
  EXPECT_EQ(shipped.column("final")->field.type, ColumnType::kBool);
  EXPECT_TRUE(shipped.column("final")->field.nullable);
  EXPECT_FALSE(shipped.column("final")->tag);
  storage::TableSchema before = shipped;
  std::erase_if(before.columns,
                [](const storage::ColumnDef& column) { return column.field.name == "final"; });
  before.finalize();

  StoreFixture fixture;
  const int64_t minute = 60'000;
  {
    std::unique_ptr<TsdbStore> store = fixture.open();
    ASSERT_NE(store, nullptr);
    MYSTOCKS_ASSERT_OK(store->create_table(before));
    MYSTOCKS_ASSERT_OK(store->write("minute_kline", minute_bars(before, {{kDay0Open}})));
    MYSTOCKS_ASSERT_OK(store->flush());  // a segment file
    MYSTOCKS_ASSERT_OK(
        store->write("minute_kline", minute_bars(before, {{kDay0Open + minute}})));  // WAL only
  }
  std::unique_ptr<TsdbStore> store = fixture.open();
  ASSERT_NE(store, nullptr);
  MYSTOCKS_ASSERT_OK(store->create_table(shipped));
  MYSTOCKS_ASSERT_OK(store->write(
      "minute_kline",
      minute_bars(shipped, {{kDay0Open + 2 * minute, true}, {kDay0Open + 3 * minute, false}})));
  Result<RecordBatch> rows = store->scan("minute_kline", {.columns = {"ts", "final"}});
  ASSERT_TRUE(rows.is_ok()) << rows.status().to_string();
  ASSERT_EQ(rows->num_rows(), 4u);
  const Column& flags = rows->column(1);
  EXPECT_TRUE(flags.is_null(0));
  EXPECT_TRUE(flags.is_null(1));
  ASSERT_FALSE(flags.is_null(2));
  EXPECT_EQ(flags.as<uint8_t>()[2], 1u);
  ASSERT_FALSE(flags.is_null(3));
  EXPECT_EQ(flags.as<uint8_t>()[3], 0u);
}

// The MANIFEST bytes of a table as an older release wrote them, with `classification` as named.
std::string legacy_table_schema(std::string_view classification) {
  std::string bytes;
  ByteWriter out(bytes);
  out.put_string("level2_snapshot");
  out.put_string(classification);
  out.put_string("ts");
  out.put_signed(0);  // retention_days
  out.put_varint(2);  // columns
  out.put_string("ts");
  out.put_u8(static_cast<uint8_t>(ColumnType::kTimestamp));
  out.put_u8(0);  // scale
  out.put_u8(0);  // flags: neither nullable nor a tag
  out.put_string("symbol");
  out.put_u8(static_cast<uint8_t>(ColumnType::kString));
  out.put_u8(0);
  out.put_u8(2);  // a tag
  return bytes;
}

// level2_snapshot left tables.yaml in #19; a store that created it keeps it and still opens.
TEST(StoreUpgradeTest, TableOfARetiredClassificationStillDecodes) {
  const std::string bytes = legacy_table_schema("level2_snapshot");
  ByteReader in(bytes);
  Result<storage::TableSchema> table = decode_table_schema(in);
  ASSERT_TRUE(table.is_ok()) << table.status().to_string();
  EXPECT_EQ(table->name, "level2_snapshot");
  EXPECT_EQ(table->target(), storage::StoreKind::kTimeSeries);
  EXPECT_EQ(table->unique_key, (std::vector<std::string>{"symbol", "ts"}));
  EXPECT_TRUE(in.at_end());
}

TEST(StoreUpgradeTest, UnknownClassificationInTheManifestIsDataLoss) {
  const std::string bytes = legacy_table_schema("no_such_class");
  ByteReader in(bytes);
  Result<storage::TableSchema> table = decode_table_schema(in);
  EXPECT_EQ(table.status().code(), ErrorCode::kDataLoss);
  EXPECT_NE(table.status().message().find("no_such_class"), std::string::npos)
      << table.status().message();
}

}  // namespace
}  // namespace mystocks::tsdb::test
