// Streaming CSV import: files read in tiny blocks give the same rows, issues and lines as whole
// files (quoted fields, GBK and header aliases across block boundaries), and the csv source's
// stream hands out every row exactly once in bounded batches, per symbol in time order, refusing
// input that goes back in time across batches with its file and line.
#include <iconv.h>

#include <fstream>
#include <map>
#include <set>

#include "core/clock.h"
#include "sources/csv/csv_reader.h"
#include "sources/csv/csv_source.h"
#include "unit/sources/sources_test_env.h"

namespace mystocks::sources::test {
namespace {

void write_file(const std::filesystem::path& path, std::string_view text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::string to_gbk(const std::string& utf8) {
  iconv_t converter = iconv_open("GB18030", "UTF-8");
  std::string out(utf8.size() * 2 + 8, '\0');
  char* in_ptr = const_cast<char*>(utf8.data());
  size_t in_left = utf8.size();
  char* out_ptr = out.data();
  size_t out_left = out.size();
  const size_t converted = iconv(converter, &in_ptr, &in_left, &out_ptr, &out_left);
  iconv_close(converter);
  EXPECT_NE(converted, static_cast<size_t>(-1));
  out.resize(out.size() - out_left);
  return out;
}

struct ReadResult {
  std::vector<std::string> rows;    // every cell rendered, one string per row
  std::vector<std::string> issues;  // "LINE:COLUMN message"
  std::vector<int64_t> lines;
  TextEncoding encoding = TextEncoding::kAuto;
  std::string error;
};

// Reads `bytes` as table `table_name` in chunks of `chunk_rows`, `block_bytes` at a time.
ReadResult read_all(const std::string& bytes, std::string_view table_name, size_t block_bytes,
                    size_t chunk_rows, std::string file_name = "600519.csv") {
  CsvOptions options;
  options.read_block_bytes = block_bytes;
  ReadResult out;
  Result<std::unique_ptr<CsvReader>> reader =
      CsvReader::open_text(bytes, std::move(file_name), table(table_name), options);
  if (!reader.is_ok()) {
    out.error = reader.status().message();
    return out;
  }
  while (!(*reader)->done()) {
    Result<CsvChunk> chunk = (*reader)->next(chunk_rows);
    if (!chunk.is_ok()) {
      out.error = chunk.status().message();
      return out;
    }
    EXPECT_EQ(chunk->row_lines.size(), chunk->batch.num_rows());
    for (size_t row = 0; row < chunk->batch.num_rows(); ++row) {
      std::string text;
      for (size_t column = 0; column < chunk->batch.num_columns(); ++column) {
        text += render(chunk->batch, column, row) + "|";
      }
      out.rows.push_back(text);
      out.lines.push_back(chunk->row_lines[row]);
    }
    for (const CsvIssue& issue : chunk->issues) {
      out.issues.push_back(fmt::format("{}:{} {}", issue.line, issue.column,
                                       issue.status.message()));
    }
  }
  out.encoding = (*reader)->encoding();
  return out;
}

void expect_same_at_every_block_size(const std::string& bytes, std::string_view table_name,
                                     std::string file_name = "600519.csv") {
  const ReadResult whole = read_all(bytes, table_name, bytes.size() + 1, 0, file_name);
  ASSERT_EQ(whole.error, "");
  ASSERT_FALSE(whole.rows.empty());
  for (size_t block : {1, 2, 3, 7, 16, 61}) {
    for (size_t chunk : {0, 1, 2, 5}) {
      SCOPED_TRACE(fmt::format("block {} bytes, chunk {} rows", block, chunk));
      const ReadResult streamed = read_all(bytes, table_name, block, chunk, file_name);
      EXPECT_EQ(streamed.error, "");
      EXPECT_EQ(streamed.rows, whole.rows);
      EXPECT_EQ(streamed.issues, whole.issues);
      EXPECT_EQ(streamed.lines, whole.lines);
      EXPECT_EQ(streamed.encoding, whole.encoding);
    }
  }
}

TEST(CsvBlocks, QuotedFieldsWithLineBreaksSurviveEveryBlockBoundary) {
  const std::string text =
      "代码,名称,上市日期\n"
      "600519,\"贵州\n茅台\",2001-08-27\n"
      "000001,\"平安, \"\"银行\"\"\",1991-04-03\n"
      "\n"
      "600000,浦发银行,not-a-date\n"
      "000002,\"万科\r\nA\",1991-01-29\r\n";
  expect_same_at_every_block_size(text, "symbols", "symbols.csv");
  const ReadResult whole = read_all(text, "symbols", 1 << 20, 0, "symbols.csv");
  ASSERT_EQ(whole.rows.size(), 3u);
  EXPECT_EQ(whole.lines, (std::vector<int64_t>{2, 4, 7}));  // records start on these lines
  ASSERT_EQ(whole.issues.size(), 1u);
  EXPECT_TRUE(whole.issues[0].starts_with("6:3 ")) << whole.issues[0];
}

TEST(CsvBlocks, GbkAppearingOnlyInALateBlockIsStillDetected) {
  std::string utf8 = "日期,开盘,收盘,最高,最低,成交量,成交额\n";
  for (int day = 2; day <= 25; ++day) {
    utf8 += fmt::format("2024-01-{:02},10.00,10.10,10.20,9.90,1000,10000.00\n", day);
  }
  // Headers are the only Chinese text: GBK from the first block on.
  expect_same_at_every_block_size(to_gbk(utf8), "daily_kline");
  EXPECT_EQ(read_all(to_gbk(utf8), "daily_kline", 5, 3).encoding, TextEncoding::kGbk);

  // An ASCII header and rows, then a GBK name far into the file.
  std::string late = "symbol,name,list_date\n";
  for (int row = 0; row < 40; ++row) late += fmt::format("6000{:02},ABC{},2001-08-27\n", row, row);
  late += to_gbk("600519,贵州茅台,2001-08-27\n");
  expect_same_at_every_block_size(late, "symbols", "symbols.csv");
  const ReadResult read = read_all(late, "symbols", 8, 4, "symbols.csv");
  EXPECT_EQ(read.encoding, TextEncoding::kGbk);
  ASSERT_EQ(read.rows.size(), 41u);
  EXPECT_NE(read.rows.back().find("贵州茅台"), std::string::npos) << read.rows.back();
}

TEST(CsvBlocks, InvalidBytesAfterTheEncodingIsSettledNameTheirLine) {
  std::string text = "symbol,name,list_date\n600519,贵州茅台,2001-08-27\n";
  for (int row = 0; row < 20; ++row) text += "600000,ABC,2001-08-27\n";
  text += "600001,\xC8\xD5,2001-08-27\n";  // GBK bytes in a file already read as UTF-8
  const ReadResult read = read_all(text, "symbols", 16, 0, "symbols.csv");
  EXPECT_NE(read.error.find("symbols.csv:23:8: byte 0xC8 is not valid UTF-8"), std::string::npos)
      << read.error;
}

TEST(CsvBlocks, AnUnterminatedQuoteAtTheEndIsReportedOnItsLine) {
  const std::string text = "symbol,name,list_date\n600519,\"贵州茅台,2001-08-27\n600000,ABC,2001-08-27\n";
  for (size_t block : {1, 4, 64, 4096}) {
    const ReadResult read = read_all(text, "symbols", block, 0, "symbols.csv");
    EXPECT_TRUE(read.rows.empty());
    ASSERT_EQ(read.issues.size(), 1u) << block;
    EXPECT_TRUE(read.issues[0].starts_with("2:2 the quoted field never ends")) << read.issues[0];
  }
}

class CsvStreamTest : public ::testing::Test {
 protected:
  std::unique_ptr<CsvSource> make() {
    CsvSourceOptions options;
    options.root = dir_.path().string();
    Result<std::unique_ptr<CsvSource>> source =
        CsvSource::create("files", options, catalog(), clock_, metrics_);
    EXPECT_TRUE(source.is_ok()) << source.status().to_string();
    return std::move(source).value();
  }

  static SourceRequest everything() {
    SourceRequest out;
    out.from = *parse_date("2000-01-01");
    out.to = *parse_date("2039-12-31");
    return out;
  }

  TempDirectory dir_;
  ManualClock clock_{1700000000000};
  MetricsRegistry metrics_;
};

TEST_F(CsvStreamTest, EveryRowArrivesExactlyOnceInBoundedBatchesInTimeOrderPerSymbol) {
  // A time-sorted multi-symbol export (as vendors write ticks): 50 symbols x 2,500 days.
  constexpr int kSymbols = 50;
  constexpr int kDays = 2500;
  const int32_t first_day = parse_date("2005-01-03")->days;
  std::vector<std::string> names;
  for (int symbol = 0; symbol < kSymbols; ++symbol) names.push_back(fmt::format("{:06}.SZ", symbol + 1));
  std::string text = "symbol,date,open,high,low,close,volume,amount\n";
  text.reserve(size_t{kSymbols} * kDays * 60);
  for (int day = 0; day < kDays; ++day) {
    const std::string date = Date{first_day + day}.to_string();
    for (int symbol = 0; symbol < kSymbols; ++symbol) {
      // volume numbers the row, so each arriving row can be matched to its line.
      text += names[symbol] + "," + date + ",10.00,10.50,9.50,10.25," +
              std::to_string(day * kSymbols + symbol) + ",1000.00\n";
    }
  }
  write_file(dir_.path() / "daily" / "all.csv", text);
  text.clear();
  text.shrink_to_fit();

  constexpr size_t kChunk = 4096;
  Result<std::unique_ptr<BatchStream>> stream =
      make()->open_stream(DataType::kDaily, everything(), kChunk);
  ASSERT_TRUE(stream.is_ok()) << stream.status().to_string();
  std::vector<uint8_t> seen(size_t{kSymbols} * kDays, 0);
  std::map<std::string, int32_t> newest;
  size_t batches = 0;
  size_t rows = 0;
  size_t oversized = 0, unsorted = 0, back_in_time = 0, mismatched = 0, twice = 0;
  while (true) {
    Result<std::optional<RecordBatch>> next = (*stream)->next();
    ASSERT_TRUE(next.is_ok()) << next.status().to_string();
    if (!next->has_value()) break;
    const RecordBatch& batch = **next;
    ++batches;
    if (batch.num_rows() > kChunk) ++oversized;
    const auto& symbols = column<std::string>(batch, "symbol");
    const auto& dates = column<int32_t>(batch, "trade_date");
    const auto& volumes = column<int64_t>(batch, "volume");
    for (size_t row = 0; row < batch.num_rows(); ++row) {
      if (row > 0 && (symbols[row - 1] > symbols[row] ||
                      (symbols[row - 1] == symbols[row] && dates[row - 1] >= dates[row]))) {
        ++unsorted;
      }
      auto [last, fresh] = newest.try_emplace(symbols[row], dates[row]);
      if (!fresh && last->second > dates[row]) ++back_in_time;
      last->second = std::max(last->second, dates[row]);
      const int64_t id = volumes[row];
      if (id < 0 || id >= static_cast<int64_t>(seen.size()) ||
          dates[row] != first_day + id / kSymbols || symbols[row] != names[id % kSymbols]) {
        ++mismatched;
        continue;
      }
      if (seen[id]++ != 0) ++twice;
      ++rows;
    }
  }
  EXPECT_EQ(oversized, 0u) << "batches over " << kChunk << " rows";
  EXPECT_EQ(unsorted, 0u) << "rows out of symbol, date order within a batch";
  EXPECT_EQ(back_in_time, 0u) << "a symbol's rows went back in time across batches";
  EXPECT_EQ(mismatched, 0u) << "rows whose values do not match their line";
  EXPECT_EQ(twice, 0u) << "rows that arrived twice";
  EXPECT_EQ(rows, seen.size()) << "rows lost";
  EXPECT_GE(batches, seen.size() / kChunk);
}

TEST_F(CsvStreamTest, RowsGoingBackInTimeAcrossBatchesAreRefusedWithFileAndLine) {
  write_file(dir_.path() / "daily" / "a.csv",
             "symbol,date,open,high,low,close,volume,amount\n"
             "600000.SH,2024-01-03,1,1,1,1,1,1\n"
             "600000.SH,2024-01-02,1,1,1,1,1,1\n"  // back in time within a batch: sorted out
             "000001.SZ,2024-01-02,1,1,1,1,1,1\n"
             "600000.SH,2024-01-04,1,1,1,1,1,1\n"
             "600000.SH,2024-01-05,1,1,1,1,1,1\n");
  write_file(dir_.path() / "daily" / "b.csv",
             "symbol,date,open,high,low,close,volume,amount\n"
             "000001.SZ,2024-01-03,1,1,1,1,1,1\n"
             "600000.SH,2024-01-01,1,1,1,1,1,1\n");
  Result<std::unique_ptr<BatchStream>> stream =
      make()->open_stream(DataType::kDaily, everything(), 3);
  ASSERT_TRUE(stream.is_ok()) << stream.status().to_string();
  std::vector<std::string> got;
  Status failure;
  while (true) {
    Result<std::optional<RecordBatch>> next = (*stream)->next();
    if (!next.is_ok()) {
      failure = next.status();
      break;
    }
    if (!next->has_value()) break;
    for (size_t row = 0; row < (*next)->num_rows(); ++row) {
      got.push_back(column<std::string>(**next, "symbol")[row]);
    }
  }
  EXPECT_EQ(failure.code(), ErrorCode::kFailedPrecondition) << failure.to_string();
  EXPECT_NE(failure.message().find("b.csv:3: a row of 600000.SH at 2024-01-01 comes after rows up "
                                   "to 2024-01-05"),
            std::string::npos)
      << failure.message();
  EXPECT_EQ(got.size(), 6u);  // the two batches before the refused one (b.csv's first row too)
  EXPECT_FALSE((*stream)->next()->has_value());  // a failed stream is done
}

TEST_F(CsvStreamTest, ADatasetOfOneBatchIsSortedWhateverItsFileOrder) {
  write_file(dir_.path() / "daily" / "b.csv",
             "symbol,date,open,high,low,close,volume,amount\n"
             "600000.SH,2024-01-02,1,1,1,1,1,1\n");
  write_file(dir_.path() / "daily" / "a.csv",
             "symbol,date,open,high,low,close,volume,amount\n"
             "600000.SH,2024-01-03,1,1,1,1,1,1\n"
             "000001.SZ,2024-01-02,1,1,1,1,1,1\n");
  Result<std::unique_ptr<BatchStream>> stream =
      make()->open_stream(DataType::kDaily, everything(), 100);
  ASSERT_TRUE(stream.is_ok()) << stream.status().to_string();
  Result<std::optional<RecordBatch>> batch = (*stream)->next();
  ASSERT_TRUE(batch.is_ok() && batch->has_value()) << batch.status().to_string();
  EXPECT_EQ(column<std::string>(**batch, "symbol"),
            (std::vector<std::string>{"000001.SZ", "600000.SH", "600000.SH"}));
  EXPECT_EQ(Date{column<int32_t>(**batch, "trade_date")[1]}.to_string(), "2024-01-02");
  EXPECT_FALSE((*stream)->next()->has_value());
}

}  // namespace
}  // namespace mystocks::sources::test
