// Quality checks catching planted errors: a source wrapper corrupts simulator daily bars (high
// below close, negative volume, a duplicated row, a close beyond the price limit, a missing
// day); the pipeline must reject or flag each and record it in data_quality_metrics.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>

#include <gtest/gtest.h>

#include "services/quality_checks.h"
#include "sources/csv/csv_source.h"
#include "sources/simulator/price_rules.h"
#include "unit/services/ingest_fixture.h"

namespace mystocks::services::test {
namespace {

class IngestQualityTest : public IngestTest {
 protected:
  // Rows of the first fetch: 0 high < close, 1 negative volume, 2 duplicated (as an extra row),
  // 3 close beyond the limit (high raised with it, so OHLC stays consistent), and row 4 (the
  // week's last bar, 2024-05-10) removed.
  static Result<RecordBatch> corrupt(int call, Result<RecordBatch> result) {
    if (call != 0 || !result.is_ok()) return result;
    RecordBatch batch = std::move(*result);
    batch = with_value(batch, "high", 0, value_at(batch, "close", 0) - 10);
    batch = with_value(batch, "volume", 1, -100);
    const int64_t pre_close = value_at(batch, "pre_close", 3);
    const Symbol symbol = *Symbol::parse(batch.column("symbol")->as<std::string>()[3]);
    const int percent = sources::limit_percent(sources::board_of(symbol), false);
    const int64_t beyond = pre_close * (100 + percent + 5) / 100;
    batch = with_value(batch, "close", 3, beyond);
    batch = with_value(batch, "high", 3, beyond);
    std::vector<uint32_t> rows;
    for (uint32_t row = 0; row < batch.num_rows(); ++row) {
      if (row == 4) continue;
      rows.push_back(row);
      if (row == 2) rows.push_back(row);
    }
    return sources::take_rows(batch, rows);
  }

  void SetUp() override {
    IngestTest::SetUp();
    // The simulator's first stock, whose week 2024-05-06..10 has five bars (no suspension).
    const sources::Universe& universe = simulator_->simulator()->universe();
    symbol_ = universe.securities()[universe.sorted_securities()[0]].canonical;
  }

  std::string symbol_;
};

TEST_F(IngestQualityTest, ContinueDropsInvalidRowsAndRecordsEveryFinding) {
  IngestJobSpec spec = daily_spec({symbol_}, "2024-05-06", "2024-05-10", SaveStrategy::kContinue);
  ASSERT_EQ(expected(spec).num_rows(), 5u) << "the fixture needs a full week";
  WrappingSource source(*simulator_, corrupt);
  const IngestSummary summary = run(spec, &source);
  MYSTOCKS_ASSERT_OK(summary.status);
  EXPECT_EQ(summary.progress.rows_fetched, 5);  // 5 - 1 missing + 1 duplicate
  EXPECT_EQ(summary.progress.rows_rejected, 3);
  EXPECT_EQ(summary.progress.rows_written, 2);  // row 3 breaks the limit but is kept (warning)
  EXPECT_EQ(summary.quality[QualityCheck::kOhlc].findings, 1);
  EXPECT_EQ(summary.quality[QualityCheck::kNonNegative].findings, 1);
  EXPECT_EQ(summary.quality[QualityCheck::kDuplicateKey].findings, 1);
  EXPECT_EQ(summary.quality[QualityCheck::kPriceLimit].findings, 1);
  EXPECT_EQ(summary.quality[QualityCheck::kCalendarGap].findings, 1);
  EXPECT_NE(summary.quality[QualityCheck::kCalendarGap].example.find("2024-05-10"),
            std::string::npos)
      << summary.quality[QualityCheck::kCalendarGap].example;

  const std::vector<std::string> want = {
      "calendar_gap " + symbol_ + " 1 warn",     "calendar_gap all 1 warn",
      "duplicate_key " + symbol_ + " 1 fail",    "duplicate_key all 1 fail",
      "non_negative " + symbol_ + " 1 fail",     "non_negative all 1 fail",
      "ohlc_consistency " + symbol_ + " 1 fail", "ohlc_consistency all 1 fail",
      "price_limit " + symbol_ + " 1 warn",      "price_limit all 1 warn",
  };
  EXPECT_EQ(quality_lines(), want);
}

TEST_F(IngestQualityTest, RollbackFailsTheJobAndWritesNoneOfTheChunk) {
  WrappingSource source(*simulator_, corrupt);
  const IngestSummary summary =
      run(daily_spec({symbol_}, "2024-05-06", "2024-05-10", SaveStrategy::kRollback), &source);
  EXPECT_EQ(summary.status.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(summary.status.message().find("3 row(s)"), std::string::npos)
      << summary.status.to_string();
  EXPECT_NE(summary.status.message().find("ohlc_consistency: " + symbol_ + " 2024-05-06"),
            std::string::npos)
      << summary.status.to_string();
  EXPECT_TRUE(stored_keys("daily_kline").empty());
  // The findings are recorded even though the job failed.
  EXPECT_FALSE(quality_lines().empty());
}

// The checks as a table over hand-made rows: what each finds in a batch of the tick table.
TEST(QualityChecks, TickRowsTable) {
  const storage::TableSchema& tick = sources::test::table("tick");
  struct Case {
    const char* name;
    int64_t last, high, low, pre_close, volume;
    std::optional<QualityCheck> check;  // the expected finding, if any
  };
  const Case cases[] = {
      {"clean", 10'000, 10'100, 9'900, 10'000, 100, std::nullopt},
      {"last above high", 10'200, 10'100, 9'900, 10'000, 100, QualityCheck::kOhlc},
      {"low above high", 10'000, 9'800, 9'900, 10'000, 100, QualityCheck::kOhlc},
      {"negative volume", 10'000, 10'100, 9'900, 10'000, -1, QualityCheck::kNonNegative},
      {"beyond +10%", 11'020, 11'020, 9'900, 10'000, 100, QualityCheck::kPriceLimit},
      {"at +10%", 11'000, 11'000, 9'900, 10'000, 100, std::nullopt},
      {"below -10%", 8'990, 10'000, 8'990, 10'000, 100, QualityCheck::kPriceLimit},
  };
  for (const Case& test_case : cases) {
    RecordBatchBuilder builder(tick.schema());
    const Schema& schema = *tick.schema();
    for (size_t column = 0; column < schema.size(); ++column) {
      const std::string& name = schema.field(column).name;
      if (name == "ts")
        builder.append_int64(column, sources::test::at(2024, 5, 7, 10, 0));
      else if (name == "symbol")
        builder.append_string(column, "600000.SH");
      else if (name == "exchange")
        builder.append_string(column, "SH");
      else if (name == "last")
        builder.append_int64(column, test_case.last);
      else if (name == "high")
        builder.append_int64(column, test_case.high);
      else if (name == "low")
        builder.append_int64(column, test_case.low);
      else if (name == "pre_close")
        builder.append_int64(column, test_case.pre_close);
      else if (name == "volume")
        builder.append_int64(column, test_case.volume);
      else if (name == "amount")
        builder.append_int64(column, 1000);
      else
        builder.append_null(column);
    }
    Result<RecordBatch> batch = builder.finish();
    ASSERT_TRUE(batch.is_ok()) << batch.status().to_string();
    QualityReport report;
    const std::vector<uint8_t> rejected = check_batch_quality(tick, *batch, {}, report);
    for (size_t check_idx = 0; check_idx < kQualityCheckCount; ++check_idx) {
      const QualityCheck check = static_cast<QualityCheck>(check_idx);
      EXPECT_EQ(report[check].findings, check == test_case.check ? 1 : 0)
          << test_case.name << ": " << quality_check_name(check);
    }
    EXPECT_EQ(rejected[0], test_case.check && quality_check_rejects(*test_case.check) ? 1 : 0)
        << test_case.name;
  }
}

}  // namespace
}  // namespace mystocks::services::test

namespace mystocks::services::test {
namespace {

// A CSV export through the pipeline: one fetch for the whole job, the bad row rejected, the
// missing days counted, and a re-run that writes nothing.
TEST_F(IngestQualityTest, CsvImportIsOneFetchChecksRowsAndResumes) {
  sources::test::TempDirectory import;
  std::filesystem::create_directories(import.path() / "daily");
  std::ofstream(import.path() / "daily" / "export.csv")
      << "symbol,trade_date,open,high,low,close,volume,amount\n"
         "600519,2024-05-06,10.00,10.50,9.90,10.20,1000,10200.00\n"
         "600519,2024-05-07,10.20,10.30,10.00,10.40,1000,10400.00\n"
         "600519,2024-05-08,10.40,10.60,10.30,10.50,1000,10500.00\n"
         "000001,2024-05-06,8.00,8.10,7.90,8.05,2000,16100.00\n";
  Result<std::unique_ptr<sources::CsvSource>> csv = sources::CsvSource::create(
      "csv", {.root = import.path().string()}, catalog(), clock_, metrics_);
  ASSERT_TRUE(csv.is_ok()) << csv.status().to_string();
  const IngestJobSpec spec =
      daily_spec({"600519.SH", "000001.SZ"}, "2024-05-06", "2024-05-08", SaveStrategy::kContinue);
  const IngestSummary summary = run(spec, csv->get());
  MYSTOCKS_ASSERT_OK(summary.status);
  EXPECT_EQ(summary.progress.chunks_total, 1);
  EXPECT_EQ(summary.progress.rows_fetched, 4);
  EXPECT_EQ(summary.progress.rows_rejected, 1);  // 2024-05-07: high 10.30 < close 10.40
  EXPECT_EQ(summary.quality[QualityCheck::kCalendarGap].findings, 2);  // 000001.SZ 05-07, 05-08
  EXPECT_EQ(summary.quality[QualityCheck::kCalendarGap].by_symbol.at("000001.SZ"), 2);
  EXPECT_EQ(stored_keys("daily_kline"),
            (std::vector<std::string>{"000001.SZ 2024-05-06", "600519.SH 2024-05-06",
                                      "600519.SH 2024-05-08"}));
  const IngestSummary again = run(spec, csv->get());
  MYSTOCKS_ASSERT_OK(again.status);
  EXPECT_EQ(again.progress.rows_written, 0);
}

}  // namespace
}  // namespace mystocks::services::test
