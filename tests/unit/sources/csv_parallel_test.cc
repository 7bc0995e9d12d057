// Parallel block parsing (CsvOptions::parse_threads): blocks parsed on several threads give
// exactly the rows, line numbers, issues and first error of a sequential read, whoever parsed
// the failing block; and a reader or stream dropped with blocks in flight returns at once.
#include <chrono>
#include <fstream>

#include "core/clock.h"
#include "sources/csv/csv_reader.h"
#include "sources/csv/csv_source.h"
#include "unit/sources/sources_test_env.h"

namespace mystocks::sources::test {
namespace {

struct Read {
  std::vector<std::string> rows;  // every cell rendered, one string per row
  std::vector<int64_t> lines;
  std::vector<std::string> issues;  // "LINE:COLUMN message"
  int64_t rows_read = 0;
  int64_t rows_skipped = 0;
  std::string error;
};

Read read(const std::string& bytes, CsvOptions options, size_t chunk_rows) {
  Read out;
  Result<std::unique_ptr<CsvReader>> reader =
      CsvReader::open_text(bytes, "ticks.csv", table("tick"), std::move(options));
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
    if (chunk_rows > 0) {
      EXPECT_LE(chunk->batch.num_rows(), chunk_rows);
    }
    EXPECT_EQ(chunk->row_lines.size(), chunk->batch.num_rows());
    for (size_t row = 0; row < chunk->batch.num_rows(); ++row) {
      std::string text;
      for (size_t column = 0; column < chunk->batch.num_columns(); ++column) {
        text += render(chunk->batch, column, row) + "|";
      }
      out.rows.push_back(std::move(text));
      out.lines.push_back(chunk->row_lines[row]);
    }
    for (const CsvIssue& issue : chunk->issues) {
      out.issues.push_back(
          fmt::format("{}:{} {}", issue.line, issue.column, issue.status.message()));
    }
    out.rows_read += chunk->rows_read;
    out.rows_skipped += chunk->rows_skipped;
  }
  return out;
}

// A tick export of `rows` snapshots over 7 symbols, with blank lines, CRLF line ends, quoted
// fields holding line breaks, delimiters and quotes (in a column the table ignores) and, every
// `bad_every` rows, a malformed price.
std::string tick_text(int rows, int bad_every) {
  std::string text = "ts,symbol,last,volume,amount,bid1_price,note\n";
  for (int row = 0; row < rows; ++row) {
    const std::string price = row % bad_every == bad_every - 1 ? "1.2.3" : "10.25";
    const std::string symbol = fmt::format("{:06}.SZ", row % 7 + 1);
    text += fmt::format("2024-05-06 09:{:02}:{:02},{},{},{},{}.5,10.2,", 30 + row / 3600 % 30,
                        row / 60 % 60, symbol, price, row, row * 10);
    text += row % 11 == 0 ? "\"a\nb, \"\"c\"\"\"" : "n";  // a block is never cut inside quotes
    text += row % 13 == 0 ? "\r\n\n" : "\n";
  }
  return text;
}

TEST(CsvParallel, BlocksParsedOnSeveralThreadsGiveTheSequentialRead) {
  const std::string text = tick_text(3000, 97);
  CsvOptions sequential;
  sequential.parse_threads = 1;
  sequential.read_block_bytes = text.size() + 1;  // one block: the reference
  const Read whole = read(text, sequential, 0);
  ASSERT_EQ(whole.error, "");
  ASSERT_GT(whole.issues.size(), 20u);
  ASSERT_EQ(whole.rows.size() + whole.issues.size(), 3000u);
  for (size_t threads : {1, 2, 4}) {
    for (size_t block : {size_t{64}, size_t{1000}, size_t{8192}}) {
      for (size_t chunk : {size_t{0}, size_t{7}, size_t{1000}}) {
        SCOPED_TRACE(
            fmt::format("{} threads, {} byte blocks, {} row chunks", threads, block, chunk));
        CsvOptions options;
        options.parse_threads = threads;
        options.read_block_bytes = block;
        const Read parallel = read(text, options, chunk);
        EXPECT_EQ(parallel.error, "");
        EXPECT_EQ(parallel.rows, whole.rows);
        EXPECT_EQ(parallel.lines, whole.lines);
        EXPECT_EQ(parallel.issues, whole.issues);
        EXPECT_EQ(parallel.rows_read, whole.rows_read);
        EXPECT_EQ(parallel.rows_skipped, whole.rows_skipped);
      }
    }
  }
}

TEST(CsvParallel, IssuesAreCappedReaderWideInFileOrder) {
  const std::string text = tick_text(2000, 10);  // 200 bad lines
  CsvOptions options;
  options.parse_threads = 3;
  options.read_block_bytes = 500;
  options.max_issues = 15;
  const Read parallel = read(text, options, 0);
  options.parse_threads = 1;
  const Read sequential = read(text, options, 0);
  ASSERT_EQ(parallel.issues.size(), 15u);
  EXPECT_EQ(parallel.issues, sequential.issues);
  EXPECT_EQ(parallel.rows_skipped, 200);  // all counted
}

TEST(CsvParallel, UnderStopTheFirstBadLineInFileOrderFailsWhicheverThreadParsedIt) {
  // Bad lines at rows 1,499 (line 1,500 or so) and every 1,500 after: many blocks are in flight
  // when the first one is found, some of them failing too.
  const std::string text = tick_text(6000, 1500);
  CsvOptions options;
  options.on_error = ErrorPolicy::kStop;
  options.parse_threads = 1;
  options.read_block_bytes = text.size() + 1;
  const Read whole = read(text, options, 0);
  ASSERT_NE(whole.error, "");
  EXPECT_NE(whole.error.find("ticks.csv:"), std::string::npos) << whole.error;
  EXPECT_NE(whole.error.find("(last)"), std::string::npos) << whole.error;
  for (size_t threads : {2, 4}) {
    for (size_t block : {size_t{300}, size_t{4096}}) {
      options.parse_threads = threads;
      options.read_block_bytes = block;
      const Read parallel = read(text, options, 100);
      EXPECT_EQ(parallel.error, whole.error) << threads << " threads, " << block << " bytes";
      // The 14 chunks of 100 before the failing one were handed out, as read sequentially.
      EXPECT_EQ(parallel.rows.size(), 1400u);
    }
  }
}

TEST(CsvParallel, AReadErrorFoundAheadStillComesInItsPlace) {
  // Invalid UTF-8 far into a file settled as UTF-8: the reading thread finds it while earlier
  // blocks are still being parsed; the rows before it come first, then the error with its line.
  std::string text =
      "ts,symbol,last,volume,amount,name\n2024-05-06 09:30:00,000001.SZ,1,1,1,平安\n";
  for (int row = 0; row < 400; ++row) text += "2024-05-06 09:30:03,000001.SZ,1,1,1,x\n";
  text += "2024-05-06 09:30:06,000001.SZ,1,1,1,\xC8\xD5\n";
  CsvOptions options;
  options.parse_threads = 4;
  options.read_block_bytes = 256;
  const Read parallel = read(text, options, 50);
  EXPECT_NE(parallel.error.find("ticks.csv:403:"), std::string::npos) << parallel.error;
  // Whole chunks of rows before the bad block, in order; none from it or after it.
  EXPECT_LE(parallel.rows.size(), 401u);
  EXPECT_GE(parallel.rows.size(), 300u);
  for (size_t row = 0; row < parallel.lines.size(); ++row) {
    EXPECT_EQ(parallel.lines[row], static_cast<int64_t>(row) + 2);
  }
}

TEST(CsvParallel, DroppingAReaderOrStreamWithBlocksInFlightReturnsAtOnce) {
  const std::string text = tick_text(20000, 1 << 30);
  const auto started = std::chrono::steady_clock::now();
  for (int round = 0; round < 20; ++round) {
    CsvOptions options;
    options.parse_threads = 4;
    options.read_block_bytes = 4096;
    Result<std::unique_ptr<CsvReader>> reader =
        CsvReader::open_text(text, "ticks.csv", table("tick"), options);
    ASSERT_TRUE(reader.is_ok()) << reader.status().to_string();
    ASSERT_TRUE((*reader)->next(static_cast<size_t>(round) + 1).is_ok());
  }  // each reader goes with up to 4 blocks in flight
  TempDirectory dir;
  std::ofstream(dir.path() / "ticks.csv", std::ios::binary) << text;
  std::filesystem::create_directories(dir.path() / "tick");
  std::filesystem::rename(dir.path() / "ticks.csv", dir.path() / "tick" / "ticks.csv");
  MetricsRegistry metrics;
  ManualClock clock(1700000000000);
  Result<std::unique_ptr<CsvSource>> source = CsvSource::create(
      "files", CsvSourceOptions{.root = dir.path().string()}, catalog(), clock, metrics);
  ASSERT_TRUE(source.is_ok()) << source.status().to_string();
  SourceRequest request;
  request.from = *parse_date("2024-01-01");
  request.to = *parse_date("2024-12-31");
  for (int round = 0; round < 5; ++round) {
    Result<std::unique_ptr<BatchStream>> opened =
        (*source)->open_stream(DataType::kTick, request, 1000);
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    std::unique_ptr<BatchStream> stream = read_ahead(std::move(opened).value());
    Result<std::optional<RecordBatch>> first = stream->next();
    ASSERT_TRUE(first.is_ok() && first->has_value()) << first.status().to_string();
  }  // dropped after one batch: the producer and the parse threads are joined
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(60));
}

}  // namespace
}  // namespace mystocks::sources::test
