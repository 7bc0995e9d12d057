// RelationalStoreSuite: summarize_series, the series inventory's one GROUP BY per table - per
// symbol rows, first and last date and distinct dates, filtered, in symbol order; refused for a
// table without a symbol column.
#include "support/assert_status.h"
#include "unit/storage/relational/batch_text.h"
#include "unit/storage/relational/relational_store_suite.h"

namespace mystocks::storage::test {
namespace {

TEST_P(RelationalStoreSuite, SummarizesSeriesPerSymbol) {
  MYSTOCKS_ASSERT_OK(store_->upsert(
      "bars", make_batch(table("bars"), {},
                         {{"600519.SH", 19723, 1850000, 100, nullptr, nullptr},
                          {"600519.SH", 19725, 1860000, 100, nullptr, nullptr},
                          {"600519.SH", 19724, 1870000, 100, nullptr, nullptr},
                          {"000001.SZ", 19730, 10500, 900, nullptr, nullptr}})));
  Result<RecordBatch> all = store_->summarize_series("bars", "trade_date", {});
  ASSERT_TRUE(all.is_ok()) << all.status().to_string();
  EXPECT_EQ(all->schema().field(0).name, "symbol");
  EXPECT_EQ(all->schema().field(2).type, ColumnType::kDate);
  EXPECT_EQ(rows_text(*all), (std::vector<std::string>{"000001.SZ|1|19730|19730|1",
                                                       "600519.SH|3|19723|19725|3"}));
  Result<RecordBatch> one =
      store_->summarize_series("bars", "trade_date", {in("symbol", {std::string("600519.SH")})});
  ASSERT_TRUE(one.is_ok()) << one.status().to_string();
  EXPECT_EQ(rows_text(*one), (std::vector<std::string>{"600519.SH|3|19723|19725|3"}));

  Result<RecordBatch> no_symbol = store_->summarize_series("typed", "day", {});
  ASSERT_FALSE(no_symbol.is_ok());
  EXPECT_EQ(no_symbol.status().code(), ErrorCode::kInvalidArgument);
  Result<RecordBatch> no_time = store_->summarize_series("bars", "close", {});
  ASSERT_FALSE(no_time.is_ok());
  EXPECT_EQ(no_time.status().field(), "time_column");
}

}  // namespace
}  // namespace mystocks::storage::test
