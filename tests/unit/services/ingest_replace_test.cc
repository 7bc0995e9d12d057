// Replace mode of the ingest pipeline into real SQLite and tsdb stores: a row rejected by a first
// run is never repaired by a plain re-run (resume says it is done), but is by a replace run, which
// also drops what the source no longer has in the range and leaves rows outside the range alone.
// Plus the spec's "replace" member and the datasets a replace job refuses.
#include "services/ingest_replace.h"

#include <algorithm>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include "services/batch_validator.h"
#include "unit/services/ingest_fixture.h"

namespace mystocks::services::test {
namespace {

class IngestReplaceTest : public IngestTest {
 protected:
  std::vector<std::string> symbols() const { return first_symbols(2); }

  static bool has(const std::vector<std::string>& keys, const std::string& key) {
    return std::find(keys.begin(), keys.end(), key) != keys.end();
  }
};

// Row `row` of the first fetch gets a negative volume (rejected by the quality checks).
WrappingSource::Hook corrupt_row(size_t row) {
  return [row](int call, Result<RecordBatch> fetched) -> Result<RecordBatch> {
    if (call != 0 || !fetched.is_ok()) return fetched;
    return with_value(*fetched, "volume", row, -5);
  };
}

// Every fetch without row `row`: the source no longer has it.
WrappingSource::Hook drop_row(size_t row) {
  return [row](int, Result<RecordBatch> fetched) -> Result<RecordBatch> {
    if (!fetched.is_ok() || fetched->num_rows() <= row) return fetched;
    std::vector<uint32_t> keep;
    for (uint32_t index = 0; index < fetched->num_rows(); ++index) {
      if (index != row) keep.push_back(index);
    }
    return select_rows(*fetched, keep);
  };
}

TEST_F(IngestReplaceTest, AReplaceRunRepairsARejectedRowThatAPlainRerunNeverWrites) {
  const IngestJobSpec before =
      daily_spec(symbols(), "2024-02-01", "2024-02-29", SaveStrategy::kContinue);
  MYSTOCKS_ASSERT_OK(run(before).status);
  const std::vector<std::string> outside = stored_keys("daily_kline");
  ASSERT_FALSE(outside.empty());

  IngestJobSpec spec = daily_spec(symbols(), "2024-03-01", "2024-03-29", SaveStrategy::kContinue);
  spec.chunk_symbols = 2;  // one chunk: row numbers below are rows of the one fetch
  const std::vector<std::string> all = keys("daily_kline", expected(spec));
  ASSERT_GT(all.size(), 20u);
  WrappingSource bad_row(*simulator_, corrupt_row(3));
  const IngestSummary first = run(spec, &bad_row);
  MYSTOCKS_ASSERT_OK(first.status);
  EXPECT_EQ(first.progress.rows_rejected, 1);
  EXPECT_FALSE(has(stored_keys("daily_kline"), all[3]));

  // The file is fixed, but a plain re-run resumes after each symbol's last stored row.
  const IngestSummary rerun = run(spec);
  MYSTOCKS_ASSERT_OK(rerun.status);
  EXPECT_EQ(rerun.progress.rows_written, 0);
  EXPECT_FALSE(has(stored_keys("daily_kline"), all[3]));

  // Replace: everything is fetched again; row 3 comes back, row 7 is gone at the source.
  IngestJobSpec replace = spec;
  replace.replace = true;
  WrappingSource without_row(*simulator_, drop_row(7));
  const size_t events_before = event_count();
  const IngestSummary replaced = run(replace, &without_row);
  MYSTOCKS_ASSERT_OK(replaced.status);
  EXPECT_EQ(replaced.progress.rows_written, static_cast<int64_t>(all.size()) - 1);
  EXPECT_EQ(replaced.progress.rows_deleted, static_cast<int64_t>(all.size()) - 1);
  EXPECT_EQ(replaced.progress.rows_skipped, 0);
  const std::vector<std::string> stored = stored_keys("daily_kline");
  EXPECT_TRUE(has(stored, all[3]));
  EXPECT_FALSE(has(stored, all[7]));
  for (const std::string& key : outside)
    EXPECT_TRUE(has(stored, key)) << key << " is outside the range";
  EXPECT_EQ(stored.size(), outside.size() + all.size() - 1);
  std::lock_guard lock(events_mutex_);
  ASSERT_GT(events_.size(), events_before);
  EXPECT_EQ(events_[events_before].rows_deleted, static_cast<int64_t>(all.size()) - 1);
  EXPECT_EQ(events_[events_before].symbols, symbols());
}

TEST_F(IngestReplaceTest, TicksAreReplacedPerDayInTsdb) {
  IngestJobSpec spec = daily_spec({symbols()[0]}, "2024-05-07", "2024-05-08");
  spec.dataset = {sources::DataType::kTick};
  MYSTOCKS_ASSERT_OK(run(spec).status);
  const std::vector<std::string> all = stored_keys("tick");
  ASSERT_GT(all.size(), 100u);
  spec.replace = true;
  WrappingSource without_first(*simulator_, drop_row(0));  // each day's first tick is gone
  const IngestSummary replaced = run(spec, &without_first);
  MYSTOCKS_ASSERT_OK(replaced.status);
  EXPECT_EQ(replaced.progress.chunks_total, 2);
  EXPECT_EQ(replaced.progress.rows_deleted, static_cast<int64_t>(all.size()));
  const std::vector<std::string> stored = stored_keys("tick");
  EXPECT_EQ(stored.size(), all.size() - 2);
  EXPECT_FALSE(has(stored, all.front()));
}

// A replace of 5m bars swaps only the 5m series (a tombstone matching frequency = 5m): the 1m
// bars of the same symbols and days stay as they were.
TEST_F(IngestReplaceTest, MinuteBarsReplaceOnlyTheirOwnFrequency) {
  IngestJobSpec one_minute = daily_spec({symbols()[0]}, "2024-05-07", "2024-05-08");
  one_minute.dataset = {sources::DataType::kMinute, sources::BarInterval::k1m};
  MYSTOCKS_ASSERT_OK(run(one_minute).status);
  IngestJobSpec five_minutes = one_minute;
  five_minutes.dataset = {sources::DataType::kMinute, sources::BarInterval::k5m};
  MYSTOCKS_ASSERT_OK(run(five_minutes).status);
  auto frequency = [](const char* value) {
    return LoadQuery{.filters = {storage::eq("frequency", std::string(value))}};
  };
  const std::vector<std::string> ones = stored_keys("minute_kline", frequency("1m"));
  const std::vector<std::string> fives = stored_keys("minute_kline", frequency("5m"));
  ASSERT_GT(ones.size(), 400u);
  ASSERT_GT(fives.size(), 80u);

  five_minutes.replace = true;
  WrappingSource without_first(*simulator_, drop_row(0));  // each day's first 5m bar is gone
  const IngestSummary replaced = run(five_minutes, &without_first);
  MYSTOCKS_ASSERT_OK(replaced.status);
  EXPECT_EQ(replaced.progress.rows_deleted, static_cast<int64_t>(fives.size()));
  EXPECT_EQ(stored_keys("minute_kline", frequency("1m")), ones) << "1m bars must stay";
  const std::vector<std::string> after = stored_keys("minute_kline", frequency("5m"));
  EXPECT_EQ(after.size(), fives.size() - static_cast<size_t>(replaced.progress.chunks_total));
  EXPECT_FALSE(has(after, fives.front()));
}

TEST_F(IngestReplaceTest, ATableWithATagTheDatasetDoesNotPinRefusesReplace) {
  storage::TableSchema table = sources::test::table("minute_kline");
  EXPECT_TRUE(check_replaceable(table, {{"frequency", "5m"}}).is_ok());
  const Status unpinned = check_replaceable(table, {});
  EXPECT_EQ(unpinned.code(), ErrorCode::kUnsupported);
  EXPECT_EQ(unpinned.field(), "replace");
  EXPECT_NE(unpinned.message().find("frequency"), std::string::npos);
  EXPECT_EQ(dataset_tags(table, {sources::DataType::kMinute, sources::BarInterval::k15m}),
            (std::map<std::string, std::string>{{"frequency", "15m"}}));
  EXPECT_TRUE(dataset_tags(sources::test::table("tick"), {sources::DataType::kTick}).empty());
}

TEST(IngestReplaceSpecTest, ReplaceIsABooleanForDatasetsWithDates) {
  Result<IngestJobSpec> spec = parse_job_spec(boost::json::parse(
      R"({"dataset":"daily","symbols":"600519","from":"2024-01-02","to":"2024-01-31","replace":true})"));
  ASSERT_TRUE(spec.is_ok()) << spec.status().to_string();
  EXPECT_TRUE(spec->replace);
  EXPECT_NE(spec->describe().find("replace"), std::string::npos);
  Result<IngestJobSpec> plain = parse_job_spec(boost::json::parse(
      R"({"dataset":"daily","symbols":"600519","from":"2024-01-02","to":"2024-01-31"})"));
  ASSERT_TRUE(plain.is_ok());
  EXPECT_FALSE(plain->replace);
  Result<IngestJobSpec> text = parse_job_spec(boost::json::parse(
      R"({"dataset":"daily","symbols":"600519","from":"2024-01-02","to":"2024-01-31","replace":"yes"})"));
  EXPECT_EQ(text.status().field(), "replace");
  Result<IngestJobSpec> undated =
      parse_job_spec(JobSpecFields{.dataset = "symbols", .replace = true});
  EXPECT_EQ(undated.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(undated.status().field(), "replace");
}

}  // namespace
}  // namespace mystocks::services::test
