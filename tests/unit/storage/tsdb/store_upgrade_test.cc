// The shipped minute_kline declaration gaining its nullable `final` column over a store created
// before it: bars flushed to segments and bars still in the write-ahead log read null (final by
// the column's contract), and bars written afterwards keep their value.
#include <optional>

#include "storage/tables_yaml.h"
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

}  // namespace
}  // namespace mystocks::tsdb::test
