// The csv adapter over a directory: per-symbol and multi-symbol files, filtering by symbols and
// dates, sorting, unsupported data types, and the stop policy failing a request.
#include "sources/csv/csv_source.h"

#include <fstream>

#include "core/clock.h"
#include "unit/sources/sources_test_env.h"

namespace mystocks::sources::test {
namespace {

void write_file(const std::filesystem::path& path, std::string_view text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

class CsvSourceTest : public ::testing::Test {
 protected:
  CsvSourceTest() {
    const auto& root = dir_.path();
    // AkShare-style per-symbol files (no symbol column) ...
    write_file(root / "daily" / "600519.csv",
               "日期,开盘,收盘,最高,最低,成交量,成交额\n"
               "2024-01-03,1681.11,1694.00,1695.22,1676.33,20211,3411205200.50\n"
               "2024-01-02,1715.00,1685.01,1718.19,1678.10,32156,5468236800.00\n"
               "2024-01-04,1693.00,1669.00,1693.00,1662.93,25228,4229131700.00\n");
    // ... and a multi-symbol file with a bad line.
    write_file(root / "daily" / "batch.csv",
               "symbol,date,open,high,low,close,volume,amount\n"
               "000001.SZ,2024-01-02,9.39,9.42,9.21,9.21,115842157,1075734700.43\n"
               "000001.SZ,2024-01-03,9.19,9.22,9.15,oops,75701730,695500839\n"
               "600000.SH,2024-01-02,6.60,6.70,6.50,6.65,3000000,19950000\n");
    write_file(root / "notes.txt", "not a data directory");
  }

  std::unique_ptr<CsvSource> make(ErrorPolicy policy = ErrorPolicy::kSkip) {
    CsvSourceOptions options;
    options.root = dir_.path().string();
    options.csv.on_error = policy;
    Result<std::unique_ptr<CsvSource>> source =
        CsvSource::create("files", options, catalog(), clock_, metrics_);
    EXPECT_TRUE(source.is_ok()) << source.status().to_string();
    return std::move(source).value();
  }

  static SourceRequest request(std::vector<std::string_view> symbols, std::string_view from,
                               std::string_view to) {
    SourceRequest out;
    for (std::string_view text : symbols) out.symbols.push_back(*Symbol::parse(text));
    out.from = *parse_date(from);
    out.to = *parse_date(to);
    return out;
  }

  TempDirectory dir_;
  ManualClock clock_{1700000000000};
  MetricsRegistry metrics_;
};

TEST_F(CsvSourceTest, ServesFilteredRowsSortedBySymbolThenDate) {
  auto source = make();
  Result<RecordBatch> all = source->daily_bars(request({}, "2024-01-01", "2024-01-31"));
  ASSERT_TRUE(all.is_ok()) << all.status().to_string();
  std::vector<std::string> keys;
  for (size_t row = 0; row < all->num_rows(); ++row) {
    keys.push_back(render(*all, 0, row) + " " + render(*all, 1, row));
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"000001.SZ 2024-01-02", "600000.SH 2024-01-02",
                                            "600519.SH 2024-01-02", "600519.SH 2024-01-03",
                                            "600519.SH 2024-01-04"}));
  // The bad line was skipped and counted.
  EXPECT_EQ(metrics_.counter("mystocks_source_csv_rows_skipped_total", "", {"source"})
                .with({"files"})
                .value(),
            1.0);

  Result<RecordBatch> one = source->daily_bars(request({"600519.SH"}, "2024-01-03", "2024-01-03"));
  ASSERT_TRUE(one.is_ok());
  ASSERT_EQ(one->num_rows(), 1u);
  EXPECT_EQ(render(*one, 5, 0), "1694.000");  // close
  EXPECT_EQ(column<int64_t>(*one, "volume")[0], 2021100);
}

TEST_F(CsvSourceTest, MissingDirectoriesAndLiveDataAreUnsupported) {
  auto source = make();
  Result<RecordBatch> ticks = source->ticks(request({}, "2024-01-02", "2024-01-02"));
  EXPECT_EQ(ticks.status().code(), ErrorCode::kUnsupported);
  EXPECT_NE(ticks.status().message().find("source 'files' (csv) does not support ticks"),
            std::string::npos)
      << ticks.status().message();
  EXPECT_EQ(source->realtime_quotes(SourceRequest{}).status().code(), ErrorCode::kUnsupported);
  EXPECT_EQ(source->news(SourceRequest{}).status().code(), ErrorCode::kUnsupported);
}

TEST_F(CsvSourceTest, StopPolicyFailsTheRequestNamingFileLineAndColumn) {
  auto source = make(ErrorPolicy::kStop);
  Result<RecordBatch> all = source->daily_bars(request({}, "2024-01-01", "2024-01-31"));
  ASSERT_FALSE(all.is_ok());
  EXPECT_EQ(all.status().code(), ErrorCode::kInvalidDecimal);
  EXPECT_NE(all.status().message().find("batch.csv:3:6 (close)"), std::string::npos)
      << all.status().message();
}

TEST_F(CsvSourceTest, RefusesAMissingRootDirectory) {
  CsvSourceOptions options;
  options.root = (dir_.path() / "nowhere").string();
  Result<std::unique_ptr<CsvSource>> source =
      CsvSource::create("files", options, catalog(), clock_, metrics_);
  ASSERT_FALSE(source.is_ok());
  EXPECT_EQ(source.status().code(), ErrorCode::kInvalidConfig);
  EXPECT_EQ(source.status().field(), "sources.csv_dir");
}

TEST_F(CsvSourceTest, ReadsLargeFilesInChunksNeverHalfWritten) {
  std::string text = "ts,symbol,last,volume,amount\n";
  for (int k = 0; k < 2500; ++k) {
    text += fmt::format("{},600519.SH,{}.{:02},{},{}.00\n", 1715045403000 + k * 3000, 1680 + k % 10,
                        k % 100, (k + 1) * 100, (k + 1) * 168000);
  }
  text += "1715052903000,600519.SH,bad,1,1.00\n";
  Result<std::unique_ptr<CsvReader>> reader = CsvReader::open_text(
      text, "ticks.csv", table("tick"), CsvOptions{.on_error = ErrorPolicy::kStop});
  ASSERT_TRUE(reader.is_ok()) << reader.status().to_string();
  size_t rows = 0;
  Status failure;
  while (!(*reader)->done()) {
    Result<CsvChunk> chunk = (*reader)->next(1000);
    if (!chunk.is_ok()) {
      failure = chunk.status();
      break;
    }
    EXPECT_LE(chunk->batch.num_rows(), 1000u);
    rows += chunk->batch.num_rows();
  }
  // Two full chunks arrive; the third holds the bad line and is refused whole.
  EXPECT_EQ(rows, 2000u);
  EXPECT_EQ(failure.code(), ErrorCode::kInvalidDecimal);
  EXPECT_NE(failure.message().find("ticks.csv:2502:3 (last)"), std::string::npos)
      << failure.message();
}

}  // namespace
}  // namespace mystocks::sources::test
