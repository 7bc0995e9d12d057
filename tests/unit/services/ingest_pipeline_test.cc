// The ingest pipeline end to end into real SQLite and tsdb stores: happy paths per store, the
// DataChanged events, re-runs that write nothing, and resuming after a failure or a cancel with
// neither duplicates nor gaps.
#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "unit/services/ingest_fixture.h"

namespace mystocks::services::test {
namespace {

class IngestPipelineTest : public IngestTest {};

TEST_F(IngestPipelineTest, DailyBarsLandInSqliteExactlyAsTheSourceReturnsThem) {
  const IngestJobSpec spec = daily_spec(first_symbols(3), "2024-01-02", "2024-03-29");
  const IngestSummary summary = run(spec);
  MYSTOCKS_ASSERT_OK(summary.status);
  const RecordBatch want = expected(spec);
  ASSERT_GT(want.num_rows(), 150u);
  EXPECT_EQ(stored_keys("daily_kline"), keys("daily_kline", want));
  EXPECT_EQ(summary.progress.state, JobState::kSucceeded);
  EXPECT_EQ(summary.progress.rows_written, static_cast<int64_t>(want.num_rows()));
  EXPECT_EQ(summary.progress.rows_fetched, static_cast<int64_t>(want.num_rows()));
  EXPECT_EQ(summary.progress.rows_rejected, 0);
  EXPECT_EQ(summary.progress.chunks_total, 2);  // 3 symbols in groups of 2, one 366-day window
  EXPECT_EQ(summary.progress.chunks_done, 2);
  // Two chunks of bars, each followed by its symbols registered in the (empty) securities
  // master as inferred, then the quality findings.
  EXPECT_EQ(event_count(), 5u);
  std::vector<std::string> registered = first_symbols(3);
  std::sort(registered.begin(), registered.end());
  EXPECT_EQ(summary.progress.registered_symbols, registered);
  // Clean simulator data: every rejecting check ran and found nothing.
  const std::vector<std::string> quality = quality_lines();
  for (std::string_view line : {"ohlc_consistency all 0 ok", "non_negative all 0 ok",
                                "duplicate_key all 0 ok", "price_limit all 0 ok"}) {
    EXPECT_NE(std::find(quality.begin(), quality.end(), line), quality.end()) << line;
  }
}

TEST_F(IngestPipelineTest, MinuteBarsAndTicksLandInTsdb) {
  IngestJobSpec minutes = daily_spec(first_symbols(2), "2024-05-06", "2024-05-08");
  minutes.dataset = {sources::DataType::kMinute, sources::BarInterval::k5m};
  MYSTOCKS_ASSERT_OK(run(minutes).status);
  EXPECT_EQ(stored_keys("minute_kline"), keys("minute_kline", expected(minutes)));

  IngestJobSpec ticks = daily_spec(first_symbols(1), "2024-05-07", "2024-05-08");
  ticks.dataset = {sources::DataType::kTick};
  const IngestSummary summary = run(ticks);
  MYSTOCKS_ASSERT_OK(summary.status);
  EXPECT_EQ(summary.progress.chunks_total, 2);  // one day per tick fetch
  EXPECT_EQ(stored_keys("tick"), keys("tick", expected(ticks)));
}

TEST_F(IngestPipelineTest, AllSymbolsMeansEveryStockTheSourceLists) {
  const IngestJobSpec spec = daily_spec({}, "2024-05-06", "2024-05-10");
  const IngestSummary summary = run(spec);
  MYSTOCKS_ASSERT_OK(summary.status);
  std::set<std::string> symbols;
  for (const std::string& key : stored_keys("daily_kline")) symbols.insert(key.substr(0, 9));
  EXPECT_EQ(symbols.size(), 20u);
  EXPECT_EQ(summary.progress.chunks_total, 10);  // 20 stocks in groups of 2
}

TEST_F(IngestPipelineTest, ARerunWritesNothingAndFetchesNothing) {
  const IngestJobSpec spec = daily_spec(first_symbols(2), "2024-01-02", "2024-06-28");
  MYSTOCKS_ASSERT_OK(run(spec).status);
  WrappingSource counting(*simulator_, nullptr);
  const IngestSummary again = run(spec, &counting);
  MYSTOCKS_ASSERT_OK(again.status);
  EXPECT_EQ(again.progress.rows_written, 0);
  EXPECT_EQ(counting.calls(), 0);
  EXPECT_EQ(again.progress.chunks_done, again.progress.chunks_total);
}

TEST_F(IngestPipelineTest, ExtendingTheRangeFetchesOnlyTheNewDays) {
  MYSTOCKS_ASSERT_OK(run(daily_spec(first_symbols(2), "2024-01-02", "2024-03-29")).status);
  const IngestJobSpec longer = daily_spec(first_symbols(2), "2024-01-02", "2024-04-30");
  const IngestSummary summary = run(longer);
  MYSTOCKS_ASSERT_OK(summary.status);
  const RecordBatch april = expected(daily_spec(first_symbols(2), "2024-04-01", "2024-04-30"));
  EXPECT_EQ(summary.progress.rows_written, static_cast<int64_t>(april.num_rows()));
  EXPECT_EQ(summary.progress.rows_skipped, 0);
  EXPECT_EQ(stored_keys("daily_kline"), keys("daily_kline", expected(longer)));
}

TEST_F(IngestPipelineTest, ResumesAfterASourceFailureWithoutDuplicatesOrGaps) {
  IngestJobSpec spec = daily_spec(first_symbols(4), "2024-01-02", "2024-06-28");
  spec.chunk_days = 31;  // 6 windows per symbol group, 12 chunks
  WrappingSource failing(*simulator_, [](int call, Result<RecordBatch> result) {
    if (call == 8) return Result<RecordBatch>(error(ErrorCode::kUnavailable, "feed dropped"));
    return result;
  });
  const IngestSummary first = run(spec, &failing);
  EXPECT_EQ(first.status.code(), ErrorCode::kUnavailable) << first.status.to_string();
  EXPECT_EQ(first.progress.state, JobState::kFailed);
  EXPECT_NE(first.progress.error.find("feed dropped"), std::string::npos);
  EXPECT_EQ(first.progress.chunks_done, 8);
  const int64_t written_before = first.progress.rows_written;
  ASSERT_GT(written_before, 0);

  WrappingSource counting(*simulator_, nullptr);
  const IngestSummary second = run(spec, &counting);
  MYSTOCKS_ASSERT_OK(second.status);
  // The failed window and the three after it, plus at most one window refetched for a symbol
  // suspended at the end of its last stored window (a suspension looks like missing data).
  EXPECT_GE(counting.calls(), 4);
  EXPECT_LE(counting.calls(), 5);
  const RecordBatch want = expected(spec);
  EXPECT_EQ(written_before + second.progress.rows_written, static_cast<int64_t>(want.num_rows()));
  const std::vector<std::string> stored = stored_keys("daily_kline");
  EXPECT_EQ(stored, keys("daily_kline", want));  // same rows, same order: no gap, no duplicate
  EXPECT_EQ(std::set<std::string>(stored.begin(), stored.end()).size(), stored.size());
}

TEST_F(IngestPipelineTest, ResumesTicksAfterACancelMidDay) {
  IngestJobSpec spec = daily_spec(first_symbols(2), "2024-05-06", "2024-05-09");
  spec.dataset = {sources::DataType::kTick};
  IngestProgress progress(clock_);
  WrappingSource cancelling(*simulator_, [&](int call, Result<RecordBatch> result) {
    if (call == 1) progress.request_cancel();
    return result;
  });
  const IngestSummary first = pipeline_->run(spec, cancelling, progress);
  EXPECT_EQ(first.status.code(), ErrorCode::kCancelled) << first.status.to_string();
  EXPECT_EQ(first.progress.state, JobState::kCancelled);
  EXPECT_EQ(first.progress.chunks_done, 2);  // the chunk in flight finishes, then it stops

  const IngestSummary second = run(spec);
  MYSTOCKS_ASSERT_OK(second.status);
  const std::vector<std::string> stored = stored_keys("tick");
  EXPECT_EQ(stored, keys("tick", expected(spec)));
  EXPECT_EQ(std::set<std::string>(stored.begin(), stored.end()).size(), stored.size());
}

TEST_F(IngestPipelineTest, RefillsAPartlyStoredTickDayFromItsLastRow) {
  IngestJobSpec spec = daily_spec(first_symbols(1), "2024-05-07", "2024-05-07");
  spec.dataset = {sources::DataType::kTick};
  const RecordBatch day = expected(spec);
  ASSERT_GT(day.num_rows(), 100u);
  std::vector<uint32_t> first_half;
  for (uint32_t row = 0; row < day.num_rows() / 2; ++row) first_half.push_back(row);
  ASSERT_TRUE(data_->save("tick", sources::take_rows(day, first_half)).is_ok());

  const IngestSummary summary = run(spec);
  MYSTOCKS_ASSERT_OK(summary.status);
  EXPECT_EQ(summary.progress.rows_skipped, static_cast<int64_t>(first_half.size()));
  EXPECT_EQ(summary.progress.rows_written,
            static_cast<int64_t>(day.num_rows() - first_half.size()));
  EXPECT_EQ(stored_keys("tick"), keys("tick", day));
}

TEST_F(IngestPipelineTest, UnknownSymbolFailsTheJobNamingTheSource) {
  const IngestSummary summary =
      run(daily_spec({"600000.SH", "999999.SH"}, "2024-05-06", "2024-05-10"));
  EXPECT_FALSE(summary.status.is_ok());
  EXPECT_EQ(summary.progress.state, JobState::kFailed);
  EXPECT_NE(summary.status.message().find("source 'simulator'"), std::string::npos)
      << summary.status.to_string();
}

}  // namespace
}  // namespace mystocks::services::test
