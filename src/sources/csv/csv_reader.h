// CsvReader: imports one CSV file into RecordBatches of one tables.yaml table. The header row
// is matched to the table once (csv_row_parser.h: aliases, derived columns, per-field parsing and
// checks); a malformed line is reported with file, line, column and header, and the caller's
// policy either skips it (and reports it) or stops. A chunk is returned only once all its rows
// are valid under that policy, so a batch is never half-written.
// Streaming: the file is read in blocks (csv_input.h), so memory follows the chunk size asked of
// next() and CsvOptions::parse_threads, not the file size. The caller's thread reads and decodes
// each block, cuts it after its last whole record (a record whose quoted field runs on is carried
// into the next block) and counts its lines; up to parse_threads blocks are then parsed at once,
// each on a thread of its own, and their rows handed out strictly in file order, so rows, line
// numbers, issues and the first error under kStop are exactly those of a sequential read.
// One owner per reader; not synchronised (its parse threads touch only their own block and the
// immutable CsvRowParser). Destroying a reader waits for the blocks in flight (each ends on its
// own: a parse never waits for anything).
#pragma once

#include <cstdint>
#include <deque>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/record_batch.h"
#include "core/status.h"
#include "sources/csv/csv_input.h"
#include "sources/csv/csv_row_parser.h"
#include "sources/csv/text_encoding.h"
#include "storage/table_schema.h"

namespace mystocks::sources {

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
  // The same, but at most one block's rows (moved out without a copy when the whole block
  // fits): for callers that gather rows from several calls anyway. An empty batch once done().
  Result<CsvChunk> next_piece(size_t max_rows = 0);
  bool done() const { return done_; }

  const std::string& file_name() const { return file_name_; }
  // The encoding found so far (the whole file's once done()).
  TextEncoding encoding() const { return input_->encoding(); }
  // Headers that matched no column of the table (kept out of the batch).
  const std::vector<std::string>& ignored_headers() const { return parser_->ignored_headers(); }

 private:
  CsvReader(std::string file_name, const storage::TableSchema& table, CsvOptions options);
  // Reads the header and plans the columns.
  Status prepare(std::unique_ptr<CsvInput> input);
  // The next block of whole records, the line it starts on and its line breaks; false at the
  // end of the file.
  Result<bool> read_block(std::string& text, int64_t& first_line, size_t& line_breaks);
  // Starts parsing blocks until parse_threads are in flight or the file is all read; a failure
  // to read or decode goes into the queue as a block that fails, in its place in the file.
  void fill_pipeline();
  // The next block's rows in file order (waiting for its parse); nullopt at the end.
  std::optional<CsvBlockRows> next_parsed();

  std::string file_name_;
  const storage::TableSchema* table_;
  CsvOptions options_;
  std::unique_ptr<CsvInput> input_;
  std::unique_ptr<const CsvRowParser> parser_;
  size_t keep_from_ = 0;   // first unread byte of input_->text()
  int64_t next_line_ = 1;  // the line keep_from_ is on
  bool input_done_ = false;
  std::deque<std::future<CsvBlockRows>> in_flight_;  // declared after parser_: destroyed first
  std::optional<CsvBlockRows> current_;              // the block rows are being handed out from
  size_t current_pos_ = 0;                           // rows of current_ already handed out
  Status stopped_;  // the bad line (kStop) or read error after the rows handed out so far
  size_t issues_kept_ = 0;
  bool done_ = false;
};

// The whole file as one chunk (small files and tests; imports stream with CsvReader::next).
Result<CsvChunk> import_csv_file(const std::string& path, const storage::TableSchema& table,
                                 const CsvOptions& options);

}  // namespace mystocks::sources
