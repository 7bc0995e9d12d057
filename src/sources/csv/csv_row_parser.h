// CsvRowParser: turns the records of one CSV file into rows of one tables.yaml table, once its
// header is known. The header row is matched to the table's columns through the alias table
// (header_aliases.h) and the caller's mappings; columns the file lacks are derived where the
// table allows (symbol from the options or the file name, exchange and board from the symbol,
// is_st from the name, frequency, source, updated_at) or left null when nullable; a missing
// required column fails the whole file. Every field is parsed and checked against its column
// type (exact decimals, canonical symbols, valid dates); a malformed line is reported with file,
// line, column and header.
// Minute bars: AkShare and Tushare label a minute bar by its end ("09:31" is 09:30-09:31); the
// table labels bars by their start, so end-labelled times are moved back by one interval. A file
// without a `final` column holds closed bars (an export is history): final is true. A file with
// one keeps its values (an empty cell is null, which readers also take as final), so an export
// taken during the session can mark its still-forming last bar final=false.
// Invariant: immutable once built, and parse_block() keeps all its state on its own stack, so
// any number of threads may parse blocks of the same file at once (csv_reader.h does).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/record_batch.h"
#include "core/status.h"
#include "core/symbol.h"
#include "core/timestamp.h"
#include "sources/csv/csv_tokenizer.h"
#include "sources/csv/header_aliases.h"
#include "sources/csv/text_encoding.h"
#include "sources/data_type.h"
#include "storage/table_schema.h"

namespace mystocks::sources {

class TableWriter;

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
  size_t max_issues = 100;                    // issues kept per reader (all are counted)
  TimestampMs now = 0;                        // value of derived updated_at columns
  size_t read_block_bytes = size_t{1} << 20;  // bytes read from the file at a time (tests use
                                              // tiny blocks to cross block boundaries)
  // Blocks parsed at once, each on a thread of its own, while the caller reads the next one:
  // the two cores parse one file together. Memory: this many blocks (text and parsed rows) in
  // flight. 1 = parse on the caller's thread (no extra thread).
  size_t parse_threads = 2;
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

// The rows of one block of whole records; under kStop `stopped` holds the first bad line's
// "FILE:LINE:COLUMN" error and `chunk` the rows before that line.
struct CsvBlockRows {
  CsvChunk chunk;
  Status stopped;
};

class CsvRowParser {
 public:
  // Matches `headers` (the file's header record) to `table`; kSchemaMismatch when a required
  // column has no header and cannot be derived. `table` must outlive the parser.
  static Result<CsvRowParser> build(std::string file_name, const storage::TableSchema& table,
                                    const CsvOptions& options, std::vector<std::string> headers);

  // Parses every record of `text`, which holds whole records only (as cut by the reader) and
  // starts on file line `first_line`; `max_records` (its line count, say) sizes the columns
  // once. Safe to call from several threads at once.
  CsvBlockRows parse_block(std::string_view text, int64_t first_line, size_t max_records) const;

  const std::vector<std::string>& headers() const { return headers_; }
  // Headers that matched no column of the table (kept out of the batch).
  const std::vector<std::string>& ignored_headers() const { return ignored_headers_; }

 private:
  enum class Derive : uint8_t {
    kNone,       // from a field, or null
    kSymbol,     // options.symbol or the file name
    kExchange,   // from the row's symbol
    kBoard,      // from the row's symbol
    kIsSt,       // the row's name starts with ST / *ST
    kConstant,   // a fixed text
    kNow,        // options.now
    kFrequency,  // options.frequency
    kFinal,      // true: an imported minute bar is a closed one (minute_kline.final)
  };
  struct ColumnPlan {
    int column = 0;  // table column index
    const Field* field = nullptr;
    int csv_field = -1;   // field number in the file, -1 when derived or null
    int extra_scale = 0;  // log10 of the unit multiplier
    Derive derive = Derive::kNone;
    std::string constant;
    bool is_symbol = false;
    bool is_time = false;  // the time column of a minute-bar table (end-label adjustment)
  };
  struct RowState;  // one block's writer and symbol cache

  CsvRowParser() = default;
  Status plan_columns();
  // Parses `record` into the state's writer; the failed field's issue otherwise.
  std::optional<CsvIssue> parse_row(const CsvRecord& record, RowState& state) const;
  std::optional<CsvIssue> parse_field(const ColumnPlan& plan, std::string_view text,
                                      int interval_minutes_for_row, RowState& state) const;

  std::string file_name_;
  const storage::TableSchema* table_ = nullptr;
  CsvOptions options_;
  std::vector<ColumnPlan> plans_;
  std::vector<std::string> headers_;
  std::vector<std::string> ignored_headers_;
  std::optional<Symbol> file_symbol_;
  std::string file_canonical_;  // file_symbol_ as text
  int symbol_field_ = -1;
  int name_field_ = -1;
  int frequency_field_ = -1;
  bool end_labelled_ = false;
};

}  // namespace mystocks::sources
