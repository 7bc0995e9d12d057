// Demo seeding and the live-feed runner over the DataManager fixture (real SQLite, recording
// time-series store): what gets seeded and where, idempotence, cancellation, and live pumps that
// save ticks, quotes and closed minute bars.
#include "services/demo_seed.h"

#include <map>

#include "services/live_ingest.h"
#include "unit/services/simulator_data_manager_fixture.h"

namespace mystocks::services::test {
namespace {

class DemoSeedTest : public SimulatorDataManagerTest {
 protected:
  Result<DemoSeedReport> seed(const std::atomic<bool>* cancel = nullptr) {
    return seed_demo(*manager_, *source_, source_->simulator()->calendar(),
                     Date::from_ymd(2024, 5, 8),
                     {.daily_days = 30, .minute_days = 2, .tick_days = 1, .symbols_per_fetch = 4,
                      .clock = &clock_, .cancel = cancel});
  }

  int64_t relational_rows(const std::string& table) { return *sqlite_->count(table, {}); }
};

TEST_F(DemoSeedTest, SeedsEveryDatasetIntoItsStoreEndingBeforeToday) {
  std::vector<std::string> heard;
  Result<DemoSeedReport> report = seed_demo(
      *manager_, *source_, source_->simulator()->calendar(), Date::from_ymd(2024, 5, 8),
      {.daily_days = 30, .minute_days = 2, .tick_days = 1, .symbols_per_fetch = 4, .clock = &clock_},
      [&](const DemoSeedStep& step) { heard.push_back(step.dataset); });
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  EXPECT_FALSE(report->already_seeded);
  EXPECT_EQ(report->last_day.to_string(), "2024-05-07");  // the trading day before "today"
  EXPECT_EQ(heard, (std::vector<std::string>{"symbols", "calendar", "index_components", "daily",
                                             "index_daily", "fundamentals", "fund_flow",
                                             "minute:1m", "tick"}));
  EXPECT_EQ(*sqlite_->count("symbols", {storage::eq("security_type", std::string("stock"))}), 6);
  EXPECT_GT(relational_rows("symbols"), 6);  // and the indices
  // 30 trading days of 6 stocks (suspended days have no row) plus the indices.
  EXPECT_GT(relational_rows("daily_kline"), 6 * 25);
  EXPECT_GT(relational_rows("trade_calendar"), 0);
  // Two days of 240 one-minute bars and one day of ticks per trading stock, in the tsdb.
  EXPECT_GT(time_series_rows("minute_kline"), 240 * 2 * 4);
  EXPECT_EQ(time_series_rows("minute_kline") % 240, 0);
  EXPECT_GT(time_series_rows("tick"), 4000 * 4);
  int64_t step_rows = 0;
  for (const DemoSeedStep& step : report->steps) step_rows += step.rows;
  EXPECT_EQ(step_rows, report->rows());
}

TEST_F(DemoSeedTest, ASeededStoreIsNotSeededAgain) {
  ASSERT_TRUE(seed().is_ok());
  const int64_t daily = relational_rows("daily_kline");
  const size_t writes = time_series_.written.size();
  Result<DemoSeedReport> again = seed();
  ASSERT_TRUE(again.is_ok()) << again.status().to_string();
  EXPECT_TRUE(again->already_seeded);
  EXPECT_TRUE(again->steps.empty());
  EXPECT_EQ(relational_rows("daily_kline"), daily);
  EXPECT_EQ(time_series_.written.size(), writes);
}

TEST_F(DemoSeedTest, ACancelledSeedLeavesNoMarkerSoTheNextStartSeedsAgain) {
  std::atomic<bool> cancel{true};
  Result<DemoSeedReport> cancelled = seed(&cancel);
  EXPECT_EQ(cancelled.status().code(), ErrorCode::kCancelled);
  Result<DemoSeedReport> next = seed();
  ASSERT_TRUE(next.is_ok()) << next.status().to_string();
  EXPECT_FALSE(next->already_seeded);
}

TEST_F(DemoSeedTest, LivePumpsSaveTicksQuotesAndClosedBarsThroughTheManager) {
  std::unique_ptr<LiveIngest> live =
      live_ingest_from("2024-05-07T09:30:00+08:00", first_two_securities());
  ASSERT_NE(live, nullptr);
  std::map<std::string, int64_t> announced;
  manager_->subscribe([&](const DataChanged& event) { announced[event.table] += event.rows; });
  clock_.advance_ms(61000);  // 09:31:01: minute 09:30 has closed
  MYSTOCKS_ASSERT_OK(live->pump());
  EXPECT_EQ(announced["tick"], time_series_rows("tick"));
  EXPECT_EQ(announced["minute_kline"], time_series_rows("minute_kline"));
  EXPECT_GT(announced["tick"], 0);
  EXPECT_GT(announced["index_quote"], 0);
  EXPECT_GE(announced["minute_kline"], 1);  // one per trading symbol
  EXPECT_LE(announced["minute_kline"], 2);
  EXPECT_EQ(announced["realtime_quote"], announced["minute_kline"]);
  const LiveIngestStats stats = live->stats();
  EXPECT_EQ(stats.pumps, 1);
  EXPECT_EQ(stats.failures, 0);
  EXPECT_EQ(stats.market_time, clock_.now_ms());

  // A store failure is counted and reported; the feed moves on.
  time_series_.failures_left = 1;
  clock_.advance_ms(3000);
  EXPECT_FALSE(live->pump().is_ok());
  EXPECT_EQ(live->stats().failures, 1);
  EXPECT_FALSE(live->stats().last_error.empty());
}

}  // namespace
}  // namespace mystocks::services::test
