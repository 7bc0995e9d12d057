// SeriesInventory over real SQLite and tsdb stores: daily bars (relational, one GROUP BY) and
// 5-minute bars (tsdb, the per-series catalog) ingested through a JobRunner with a history, so
// the source is known; rows, first/last, missing trading days (checked against the stored rows
// and the built-in calendar), a deleted day showing up as a gap, the has_gaps filter and the
// errors for unknown tables and tables without series.
#include "services/series_inventory.h"

#include <gtest/gtest.h>

#include <set>

#include "services/job_runner.h"
#include "sources/simulator/trading_calendar.h"
#include "unit/services/ingest_fixture.h"

namespace mystocks::services::test {
namespace {

class SeriesInventoryTest : public IngestTest {
 protected:
  void SetUp() override {
    IngestTest::SetUp();
    history_ = std::make_unique<JobHistory>(*data_, clock_, 100);
    runner_ = std::make_unique<JobRunner>(
        *pipeline_,
        [this](const std::string&) -> Result<sources::IDataSource*> {
          return static_cast<sources::IDataSource*>(simulator_.get());
        },
        clock_, JobRunnerOptions{.queue_capacity = 8}, history_.get());
    const sources::Universe& universe = simulator_->simulator()->universe();
    for (size_t index = 0; index < 2; ++index) {
      symbols_.push_back(universe.securities()[universe.sorted_securities()[index]].symbol);
    }
  }

  void ingest(IngestJobSpec spec) {
    spec.symbols = symbols_;
    spec.all_symbols = false;
    Result<std::string> id = runner_->submit(spec);
    ASSERT_TRUE(id.is_ok()) << id.status().to_string();
    ASSERT_TRUE(runner_->wait(*id, 30'000));
    ASSERT_EQ(runner_->get(*id)->progress.state, JobState::kSucceeded)
        << runner_->get(*id)->progress.error;
  }

  Inventory list(InventoryQuery query) {
    const SeriesInventory inventory(*data_, history_.get());
    Result<Inventory> found = inventory.list(query);
    EXPECT_TRUE(found.is_ok()) << found.status().to_string();
    return found.is_ok() ? std::move(*found) : Inventory{};
  }

  // Trading days of the built-in calendar in [first, last] that `days` lacks.
  static int64_t expected_missing(const std::set<int32_t>& days) {
    int64_t missing = 0;
    for (const Date& day : sources::TradingCalendar::china_a_shares().trading_days()) {
      if (day.days >= *days.begin() && day.days <= *days.rbegin() && !days.contains(day.days)) {
        ++missing;
      }
    }
    return missing;
  }

  std::unique_ptr<JobHistory> history_;
  std::unique_ptr<JobRunner> runner_;
  std::vector<Symbol> symbols_;
};

TEST_F(SeriesInventoryTest, DailyBarsFromTheGroupByWithSourceAndGaps) {
  ASSERT_NO_FATAL_FAILURE(ingest(daily_spec({}, "2024-03-01", "2024-04-30")));
  const Inventory inventory = list({.tables = {"daily_kline"}});
  EXPECT_EQ(inventory.calendar, "built-in");
  ASSERT_EQ(inventory.rows.size(), 2u);
  for (const InventoryRow& row : inventory.rows) {
    LoadQuery query;
    query.symbols = {row.symbol};
    Result<RecordBatch> stored = data_->load("daily_kline", query);
    ASSERT_TRUE(stored.is_ok());
    const std::vector<int32_t>& dates = stored->column("trade_date")->as<int32_t>();
    const std::set<int32_t> days(dates.begin(), dates.end());
    EXPECT_EQ(row.store, "relational");
    EXPECT_EQ(row.rows, static_cast<int64_t>(stored->num_rows()));
    EXPECT_EQ(shanghai_date(row.first_ms).days, *days.begin());
    EXPECT_EQ(shanghai_date(row.last_ms).days, *days.rbegin());
    EXPECT_EQ(row.source, "simulator");
    EXPECT_EQ(row.missing_days, expected_missing(days)) << row.symbol;
  }
}

TEST_F(SeriesInventoryTest, MinuteBarsFromTheTsdbCatalogShowADeletedDayAsAGap) {
  IngestJobSpec minutes = daily_spec({}, "2024-05-06", "2024-05-10");
  minutes.dataset = {sources::DataType::kMinute, sources::BarInterval::k5m};
  ASSERT_NO_FATAL_FAILURE(ingest(minutes));
  Inventory inventory = list({.tables = {"minute_kline"}});
  ASSERT_EQ(inventory.rows.size(), 2u);
  for (const InventoryRow& row : inventory.rows) {
    EXPECT_EQ(row.store, "timeseries");
    EXPECT_EQ(row.series, "frequency=5m");
    EXPECT_EQ(row.rows, 5 * 48) << row.symbol;  // five sessions of 48 five-minute bars
    EXPECT_EQ(row.missing_days, 0);
    EXPECT_EQ(row.source, "simulator");
    EXPECT_GT(row.last_write_ms, 0);
  }
  // Delete Wednesday of the first symbol: a gap between first and last.
  const Date wednesday = *parse_date("2024-05-08");
  Result<int64_t> removed = tsdb_->delete_range(
      "minute_kline", {symbols_[0].to_string()}, {},
      {shanghai_time(wednesday, 0, 0), shanghai_time(Date{wednesday.days + 1}, 0, 0)});
  ASSERT_TRUE(removed.is_ok());
  EXPECT_EQ(*removed, 48);
  inventory = list({.tables = {"minute_kline"}, .has_gaps = true});
  ASSERT_EQ(inventory.rows.size(), 1u);
  EXPECT_EQ(inventory.rows[0].symbol, symbols_[0].to_string());
  EXPECT_EQ(inventory.rows[0].rows, 4 * 48);
  EXPECT_EQ(inventory.rows[0].missing_days, 1);
  EXPECT_EQ(inventory.rows[0].missing_sample, std::vector<int32_t>{wednesday.days});
  inventory = list({.tables = {"minute_kline"},
                    .symbols = {symbols_[1].to_string()},
                    .has_gaps = false});
  ASSERT_EQ(inventory.rows.size(), 1u);
  EXPECT_EQ(inventory.rows[0].symbol, symbols_[1].to_string());
}

TEST_F(SeriesInventoryTest, EveryTableWithSeriesByDefaultAndClearErrorsOtherwise) {
  ASSERT_NO_FATAL_FAILURE(ingest(daily_spec({}, "2024-03-01", "2024-03-08")));
  const Inventory inventory = list({});
  EXPECT_NE(std::find(inventory.tables.begin(), inventory.tables.end(), "tick"),
            inventory.tables.end());
  EXPECT_NE(std::find(inventory.tables.begin(), inventory.tables.end(), "daily_kline"),
            inventory.tables.end());
  EXPECT_EQ(std::find(inventory.tables.begin(), inventory.tables.end(), "users"),
            inventory.tables.end());
  EXPECT_EQ(inventory.rows.size(), 2u);  // only the daily bars hold anything

  const SeriesInventory service(*data_, history_.get());
  Result<Inventory> unknown = service.list({.tables = {"weekly_kline"}});
  ASSERT_FALSE(unknown.is_ok());
  EXPECT_EQ(unknown.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(unknown.status().field(), "table");
  Result<Inventory> no_series = service.list({.tables = {"users"}});
  ASSERT_FALSE(no_series.is_ok());
  EXPECT_EQ(no_series.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(no_series.status().message().find("'users' holds no series"), std::string::npos);
}

}  // namespace
}  // namespace mystocks::services::test
