// The pipeline over streamed batches and provisional daily bars: a CSV import cut off mid-file
// (the store keeps the batches written so far) resumes on the next run with every row stored
// exactly once; daily bars fetched while the session trades are stored final = false and
// replaced by the first run after the close.
#include <fstream>

#include "services/provisional_bars.h"
#include "sources/csv/csv_source.h"
#include "sources/table_writer.h"
#include "unit/services/ingest_fixture.h"

namespace mystocks::services::test {
namespace {

// Hands out `inner`'s batches, then fails with kIoError after `batches` of them, as a process
// killed mid-file leaves the store: the batches before are written, nothing after.
class FailingStream final : public sources::BatchStream {
 public:
  FailingStream(std::unique_ptr<sources::BatchStream> inner, int batches)
      : inner_(std::move(inner)), left_(batches) {}
  Result<std::optional<RecordBatch>> next() override {
    if (left_-- == 0) return error(ErrorCode::kIoError, "the disk went away mid-file");
    return inner_->next();
  }

 private:
  std::unique_ptr<sources::BatchStream> inner_;
  int left_;
};

class CutOffSource final : public sources::IDataSource {
 public:
  CutOffSource(sources::IDataSource& inner, int batches) : inner_(inner), batches_(batches) {}
  std::string_view name() const override { return "cut-off"; }
  std::string_view type() const override { return "csv"; }
  Result<std::unique_ptr<sources::BatchStream>> open_stream(sources::DataType type,
                                                            const sources::SourceRequest& request,
                                                            size_t chunk_rows) override {
    Result<std::unique_ptr<sources::BatchStream>> stream =
        inner_.open_stream(type, request, chunk_rows);
    if (!stream.is_ok()) return stream.status();
    return std::unique_ptr<sources::BatchStream>(
        std::make_unique<FailingStream>(std::move(stream).value(), batches_));
  }

 private:
  sources::IDataSource& inner_;
  int batches_;
};

class IngestStreamTest : public IngestTest {
 protected:
  // "SYMBOL EPOCH_MS" of every stored tick.
  std::vector<std::string> stored_ticks() {
    Result<RecordBatch> rows = data_->load("tick", {.columns = {"symbol", "ts"}});
    EXPECT_TRUE(rows.is_ok()) << rows.status().to_string();
    std::vector<std::string> out;
    if (!rows.is_ok()) return out;
    for (size_t row = 0; row < rows->num_rows(); ++row) {
      out.push_back(fmt::format("{} {}", rows->column("symbol")->as<std::string>()[row],
                                rows->column("ts")->as<int64_t>()[row]));
    }
    std::sort(out.begin(), out.end());
    return out;
  }
};

TEST_F(IngestStreamTest, ACsvImportCutOffMidFileResumesWithEveryRowStoredOnce) {
  // 12 symbols x 2,500 snapshots 3 s apart on 2024-05-07, in time order as vendors write them.
  sources::test::TempDirectory root;
  std::filesystem::create_directories(root.path() / "tick");
  std::ofstream file(root.path() / "tick" / "2024-05-07.csv", std::ios::binary);
  file << "ts,symbol,last,volume,amount\n";
  const TimestampMs open = sources::test::at(2024, 5, 7, 9, 30);
  std::vector<std::string> want;
  for (int step = 0; step < 2500; ++step) {
    for (int symbol = 1; symbol <= 12; ++symbol) {
      const TimestampMs ts = open + step * 3000;
      file << ts << "," << fmt::format("{:06}.SZ", symbol) << ",10.5," << step * 100 << ","
           << step * 1050 << ".00\n";
      want.push_back(fmt::format("{:06}.SZ {}", symbol, ts));
    }
  }
  file.close();
  std::sort(want.begin(), want.end());
  sources::CsvSourceOptions options;
  options.root = root.path().string();
  MetricsRegistry metrics;
  Result<std::unique_ptr<sources::CsvSource>> csv =
      sources::CsvSource::create("files", options, catalog(), clock_, metrics);
  ASSERT_TRUE(csv.is_ok()) << csv.status().to_string();

  pipeline_ = std::make_unique<IngestPipeline>(*data_, *catalog(), clock_,
                                               IngestOptions{.chunk_rows = 1000});
  IngestJobSpec spec = daily_spec({}, "2024-05-07", "2024-05-07", SaveStrategy::kContinue);
  spec.dataset = {sources::DataType::kTick};
  CutOffSource cut_off(**csv, 7);
  const IngestSummary first = run(spec, &cut_off);
  EXPECT_EQ(first.status.code(), ErrorCode::kIoError) << first.status.to_string();
  EXPECT_EQ(first.progress.rows_written, 7000);
  EXPECT_EQ(first.progress.chunks_done, 0);  // the file's chunk never finished

  const IngestSummary second = run(spec, csv->get());
  MYSTOCKS_ASSERT_OK(second.status);
  EXPECT_EQ(second.progress.rows_fetched, static_cast<int64_t>(want.size()));
  EXPECT_EQ(second.progress.rows_skipped, 7000);
  EXPECT_EQ(second.progress.rows_written, static_cast<int64_t>(want.size()) - 7000);
  const std::vector<std::string> stored = stored_ticks();
  EXPECT_EQ(stored.size(), want.size());
  EXPECT_TRUE(stored == want) << "rows lost or duplicated";
}

TEST_F(IngestStreamTest, DailyBarsOfATradingSessionAreProvisionalUntilARunAfterTheClose) {
  const std::vector<std::string> symbols = first_symbols(2);
  // 2024-05-07 (a Tuesday) at 10:30: the session trades.
  clock_.set_ms(sources::test::at(2024, 5, 7, 10, 30));
  const IngestJobSpec spec = daily_spec(symbols, "2024-04-29", "2024-05-07");
  const IngestSummary during = run(spec);
  MYSTOCKS_ASSERT_OK(during.status);

  LoadQuery today_rows{.filters = {storage::eq("trade_date", int64_t{parse_date("2024-05-07")->days})}};
  Result<RecordBatch> provisional = data_->load("daily_kline", today_rows);
  ASSERT_TRUE(provisional.is_ok()) << provisional.status().to_string();
  ASSERT_EQ(provisional->num_rows(), symbols.size());
  for (size_t row = 0; row < provisional->num_rows(); ++row) {
    EXPECT_EQ(provisional->column("final")->as<uint8_t>()[row], 0) << row;
  }
  Result<RecordBatch> earlier = data_->load(
      "daily_kline",
      {.filters = {storage::cmp("trade_date", storage::FilterOp::kLt,
                                int64_t{parse_date("2024-05-07")->days})}});
  ASSERT_TRUE(earlier.is_ok());
  ASSERT_GT(earlier->num_rows(), 0u);
  for (uint8_t flag : earlier->column("final")->as<uint8_t>()) EXPECT_EQ(flag, 1);

  // After the close the same job replaces today's bar with the whole day's.
  clock_.set_ms(sources::test::at(2024, 5, 7, 15, 30));
  const IngestSummary after = run(spec);
  MYSTOCKS_ASSERT_OK(after.status);
  EXPECT_EQ(after.progress.rows_written, static_cast<int64_t>(symbols.size()));
  Result<RecordBatch> closed = data_->load("daily_kline", today_rows);
  ASSERT_TRUE(closed.is_ok());
  ASSERT_EQ(closed->num_rows(), symbols.size());
  const RecordBatch whole_day = expected(daily_spec(symbols, "2024-05-07", "2024-05-07"));
  ASSERT_EQ(whole_day.num_rows(), symbols.size());
  for (size_t row = 0; row < closed->num_rows(); ++row) {
    EXPECT_EQ(closed->column("final")->as<uint8_t>()[row], 1);
    const std::string& symbol = closed->column("symbol")->as<std::string>()[row];
    const auto& names = whole_day.column("symbol")->as<std::string>();
    const size_t match = std::find(names.begin(), names.end(), symbol) - names.begin();
    ASSERT_LT(match, names.size());
    EXPECT_EQ(value_at(*closed, "close", row), value_at(whole_day, "close", match));
    EXPECT_EQ(value_at(*closed, "volume", row), value_at(whole_day, "volume", match));
    EXPECT_GT(value_at(*closed, "volume", row),
              value_at(*provisional, "volume",
                       std::find(provisional->column("symbol")->as<std::string>().begin(),
                                 provisional->column("symbol")->as<std::string>().end(), symbol) -
                           provisional->column("symbol")->as<std::string>().begin()))
        << "the provisional bar held the morning only";
  }
  // And a further run has nothing to replace.
  EXPECT_EQ(run(spec).progress.rows_written, 0);
}

TEST(ProvisionalBars, TheCloseDecidesAndASourceFlagIsKept) {
  sources::TableWriter writer(sources::test::table("daily_kline"));
  auto add = [&](std::string_view date, std::optional<bool> final_flag) {
    writer.put_string(writer.column("symbol"), "600000.SH");
    writer.put_int32(writer.column("trade_date"), parse_date(date)->days);
    for (std::string_view price : {"open", "high", "low", "close", "amount"}) {
      writer.put_int64(writer.column(price), 10'000);
    }
    writer.put_int64(writer.column("volume"), 100);
    if (final_flag) writer.put_bool(writer.column("final"), *final_flag);
    writer.end_row();
  };
  add("2024-05-06", std::nullopt);  // closed, the source says nothing: final
  add("2024-05-06", false);         // closed, but the source says not final: kept
  add("2024-05-07", std::nullopt);  // today
  add("2024-05-07", true);          // today, whatever the source says
  add("2024-05-08", std::nullopt);  // a session not even started
  const RecordBatch rows = std::move(writer.finish()).value();
  auto flags_at = [&](TimestampMs now) {
    RecordBatch marked = rows;
    Result<int64_t> provisional = mark_provisional_daily_bars(marked, now);
    EXPECT_TRUE(provisional.is_ok()) << provisional.status().to_string();
    std::vector<int> out;
    for (size_t row = 0; row < marked.num_rows(); ++row) {
      EXPECT_FALSE(marked.column("final")->is_null(row));
      out.push_back(marked.column("final")->as<uint8_t>()[row]);
    }
    out.push_back(static_cast<int>(provisional.is_ok() ? *provisional : -1));
    return out;
  };
  const TimestampMs close = session_close(*parse_date("2024-05-07"));
  EXPECT_EQ(close, sources::test::at(2024, 5, 7, 15, 0));
  EXPECT_EQ(flags_at(sources::test::at(2024, 5, 7, 8, 0)), (std::vector<int>{1, 0, 0, 0, 0, 3}));
  EXPECT_EQ(flags_at(close - 1), (std::vector<int>{1, 0, 0, 0, 0, 3}));
  EXPECT_EQ(flags_at(close), (std::vector<int>{1, 0, 1, 1, 0, 1}));

  // Tables without a final column pass unchanged.
  sources::TableWriter ticks(sources::test::table("tick"));
  RecordBatch empty = std::move(ticks.finish()).value();
  EXPECT_EQ(*mark_provisional_daily_bars(empty, close), 0);
}

}  // namespace
}  // namespace mystocks::services::test
