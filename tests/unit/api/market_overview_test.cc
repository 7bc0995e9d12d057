// GET /api/v1/market/overview when bars lack pre_close: such a stock is counted in
// without_pre_close and in no comparison bucket or limit list (a missing previous close is not 0).
#include "unit/api/market_api_fixture.h"

namespace mystocks::api::test {
namespace {

// The day's simulated bars with pre_close null in row 0 and 0 in row 1.
RecordBatch bars_missing_pre_close(sources::SimulatorSource& source,
                                   const std::vector<std::string>& symbols, Date day) {
  std::vector<Symbol> stocks;
  for (const std::string& text : symbols) stocks.push_back(*Symbol::parse(text));
  Result<RecordBatch> bars = source.daily_bars(sources::SourceRequest::range(stocks, day, day));
  EXPECT_TRUE(bars.is_ok()) << bars.status().to_string();
  if (!bars.is_ok() || bars->num_rows() < 3) return RecordBatch();
  std::vector<Column> columns;
  for (size_t index = 0; index < bars->num_columns(); ++index)
    columns.push_back(bars->column(index));
  Column& pre_close = columns[*bars->schema().index_of("pre_close")];
  pre_close.mutable_validity().assign(bars->num_rows(), 1);
  pre_close.mutable_validity()[0] = 0;
  pre_close.mutable_as<int64_t>()[1] = 0;
  return std::move(RecordBatch::make(bars->schema_ptr(), std::move(columns))).value();
}

TEST(MarketOverviewTest, BarsWithoutPreCloseAreCountedApartNotAsUnchanged) {
  MarketApiEnvironment env;
  ASSERT_NO_FATAL_FAILURE(env.open(4));
  // Before the seeded year, so the day holds only these bars.
  const Date day = Date::from_ymd(2025, 12, 31);
  const RecordBatch bars = bars_missing_pre_close(env.source(), env.symbols(), day);
  ASSERT_GE(bars.num_rows(), 3u);
  ASSERT_NO_FATAL_FAILURE(env.save("daily_kline", bars));

  const Reply reply = env.get("/api/v1/market/overview?date=2025-12-31");
  ASSERT_EQ(reply.status(), 200) << reply.http.body;
  const boost::json::value& data = reply.data();
  EXPECT_EQ(data.at("trade_date"), "2025-12-31");
  const int64_t stocks = data.at("stocks").as_int64();
  EXPECT_EQ(stocks, static_cast<int64_t>(bars.num_rows()));
  EXPECT_EQ(data.at("without_pre_close").as_int64(), 2);
  EXPECT_EQ(data.at("advancers").as_int64() + data.at("decliners").as_int64() +
                data.at("unchanged").as_int64(),
            stocks - 2);
  // A pre_close of 0 would put every positive close at limit-up; neither bar is in a limit list.
  EXPECT_LE(data.at("limit_up").as_int64() + data.at("limit_down").as_int64(), stocks - 2);

  const Reply newest = env.get("/api/v1/market/overview");
  ASSERT_EQ(newest.status(), 200);
  EXPECT_EQ(newest.data().at("without_pre_close").as_int64(), 0);
}

}  // namespace
}  // namespace mystocks::api::test
