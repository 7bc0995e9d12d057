// CsvReader: imports one CSV file into RecordBatches of one tables.yaml table. The header row is
// matched to the table's columns through the alias table (header_aliases.h) and the caller's
// mappings; columns the file lacks are derived where the table allows (symbol from the options
// or the file name, exchange and board from the symbol, is_st from the name, frequency, source,
// updated_at) or left null when nullable; a missing required column fails the whole file.
// Every field is parsed and checked against its column type (exact decimals, canonical symbols,
// valid dates). A malformed line is reported with file, line, column and header; the caller's
// policy either skips it (and reports it) or stops. A chunk is returned only once all its rows
// are valid under that policy, so a batch is never half-written.
// Streaming: the file is read in blocks (csv_input.h), so memory follows the chunk size asked of
// next(), not the file size; line numbers, quoted fields and the encoding carry across blocks.
// Minute bars: AkShare and Tushare label a minute bar by its end ("09:31" is 09:30-09:31); the
// table labels bars by their start, so end-labelled times are moved back by one interval. A file
// without a `final` column holds closed bars (an export is history): final is true. A file with
// one keeps its values (an empty cell is null, which readers also take as final), so an export
// taken during the session can mark its still-forming last bar final=false.
// One owner per reader; not synchronised.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/record_batch.h"
#include "core/status.h"
#include "core/symbol.h"
#include "core/timestamp.h"
#include "sources/csv/csv_input.h"
#include "sources/csv/csv_tokenizer.h"
#include "sources/csv/header_aliases.h"
#include "sources/csv/text_encoding.h"
#include "sources/data_type.h"
#include "sources/table_writer.h"
#include "storage/table_schema.h"

namespace mystocks::sources {

enum class ErrorPolicy : uint8_t {
  kSkip,  // report the line and go on
  kStop,  // fail the import at the first bad line
};

std::string_view error_policy_name(ErrorPolicy policy);  // "skip", "stop"
Result<ErrorPolicy> parse_error_policy(std::string_view name);

enum class BarLabel : uint8_t {
  kAuto,  // end for AkShare (时间) and Tushare (trade_time) minute files, else start
  kStart,
  kEnd,
};

struct CsvOptions {
  TextEncoding encoding = TextEncoding::kAuto;
  ErrorPolicy on_error = ErrorPolicy::kSkip;
  char delimiter = ',';
  std::vector<ColumnMapping> mappings;  // override the built-in aliases
  std::optional<Symbol> symbol;         // rows' symbol when the file has no symbol column; else
                                        // the file name ("600519.csv", "sh600519_daily.csv")
  BarInterval frequency = BarInterval::k1m;  // minute_kline rows without a frequency column
  BarLabel bar_label = BarLabel::kAuto;
  size_t max_issues = 100;  // issues kept per reader (all are counted)
  TimestampMs now = 0;      // value of derived updated_at columns
  size_t read_block_bytes = size_t{1} << 20;  // bytes read from the file at a time (tests use
                                              // tiny blocks to cross block boundaries)
};

struct CsvIssue {
  int64_t line = 0;
  int column = 0;      // 1-based field number; 0 = the whole line
  std::string header;  // empty for whole-line problems
  Status status;

  // "FILE:LINE:COLUMN (HEADER): message"
  std::string to_string(std::string_view file) const;
};

struct CsvChunk {
  RecordBatch batch;
  std::vector<CsvIssue> issues;
  std::vector<int64_t> row_lines;  // the file line each row of `batch` starts on
  int64_t rows_read = 0;           // data lines seen
  int64_t rows_skipped = 0;        // of which rejected (kSkip)
};

class CsvReader {
 public:
  static Result<std::unique_ptr<CsvReader>> open_file(const std::string& path,
                                                      const storage::TableSchema& table,
                                                      CsvOptions options);
  // `bytes` as read from a file called `file_name` (used in messages and for the symbol).
  static Result<std::unique_ptr<CsvReader>> open_text(std::string bytes, std::string file_name,
                                                      const storage::TableSchema& table,
                                                      CsvOptions options);
  ~CsvReader();

  // Up to `max_rows` valid rows (0 = the rest of the file). Under kStop the first bad line fails
  // the chunk with its "FILE:LINE:COLUMN" message and ends the reader.
  Result<CsvChunk> next(size_t max_rows = 0);
  bool done() const { return done_; }

  const std::string& file_name() const { return file_name_; }
  // The encoding found so far (the whole file's once done()).
  TextEncoding encoding() const { return input_->encoding(); }
  // Headers that matched no column of the table (kept out of the batch).
  const std::vector<std::string>& ignored_headers() const { return ignored_headers_; }

 private:
  struct ColumnPlan;

  CsvReader(std::string file_name, const storage::TableSchema& table, CsvOptions options);
  Status prepare(std::unique_ptr<CsvInput> input);
  // The next record, reading blocks as needed; false at the end of the file. A malformed record
  // is a value (tokenizer error); a failure to read or decode the file sets input_error_.
  Result<bool> next_record(CsvRecord& record);
  // Parses `record` into the writer; the failed field's issue otherwise.
  std::optional<CsvIssue> parse_row(const CsvRecord& record);

  std::string file_name_;
  const storage::TableSchema* table_;
  CsvOptions options_;
  std::unique_ptr<CsvInput> input_;
  Status input_error_;  // fails the file whatever the error policy
  std::unique_ptr<CsvTokenizer> tokenizer_;
  std::unique_ptr<TableWriter> writer_;
  std::vector<ColumnPlan> plans_;
  std::vector<std::string> headers_;
  std::vector<std::string> ignored_headers_;
  std::optional<Symbol> file_symbol_;
  int symbol_field_ = -1;
  int name_field_ = -1;
  int frequency_field_ = -1;
  bool end_labelled_ = false;
  std::string last_symbol_text_;  // parse cache: files mostly repeat one symbol
  std::optional<Symbol> last_symbol_;
  std::string last_canonical_;
  size_t issues_kept_ = 0;
  bool done_ = false;
};

// The whole file as one chunk (small files and tests; imports stream with CsvReader::next).
Result<CsvChunk> import_csv_file(const std::string& path, const storage::TableSchema& table,
                                 const CsvOptions& options);

}  // namespace mystocks::sources
