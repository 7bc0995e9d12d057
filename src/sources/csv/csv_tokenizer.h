// CsvTokenizer: splits UTF-8 CSV text into records of fields (RFC 4180): a delimiter between
// fields, double quotes around fields that contain delimiters, quotes or line breaks, "" for a
// quote inside them, CRLF or LF line ends. Blank lines are skipped; spaces around unquoted
// fields are trimmed (exports pad them). Fields are views into the text, or into per-record
// storage when a quoted field had to be unescaped, valid until the next call to next().
// A malformed record (unterminated quote, text after a closing quote) is reported with its line
// and column, and tokenizing resumes at the following line, so callers may skip or stop.
// Streaming: the text may be one block of a larger file (reset(text, false)). Such a block must
// end just after a line break; a record whose quoted field runs past the block's end is then
// left unread (next() returns false, pending() is true) for the caller to carry into the next
// block, which resumes the line count.
// One owner; not synchronised.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace mystocks::sources {

struct CsvRecord {
  int64_t line = 0;  // physical line the record starts on, 1-based
  std::vector<std::string_view> fields;
};

class CsvTokenizer {
 public:
  // `first_line`: the file line `text` starts on (a block of a file parsed on its own).
  CsvTokenizer(std::string_view text, char delimiter = ',', int64_t first_line = 1);

  // Goes on with `text`, the next block of the same input (line numbers run on); `last` = no
  // text follows it. REQUIRES: unless `last`, `text` is empty or ends with '\n'.
  void reset(std::string_view text, bool last);

  // The next record into `record`; false at the end of the text (or of a block: see pending()).
  // A malformed record fails with kInvalidArgument; error_line() and error_column() (1-based
  // field number) then locate it.
  Result<bool> next(CsvRecord& record);
  // After next() returned false on a block that is not the last: the text from consumed() on
  // is the start of a record that continues in the next block.
  bool pending() const { return pos_ < text_.size(); }
  size_t consumed() const { return pos_; }
  // The line the text from consumed() on starts on.
  int64_t line() const { return line_; }
  int64_t error_line() const { return error_line_; }
  int error_column() const { return error_column_; }

 private:
  // Skips to the character after the next line end.
  void skip_line();
  Status malformed(int64_t line, size_t column, std::string_view problem);

  std::string_view text_;
  size_t pos_ = 0;
  int64_t line_ = 1;
  bool last_ = true;  // the text is the end of the input
  char delimiter_;
  int64_t error_line_ = 0;
  int error_column_ = 0;
  std::deque<std::string> unescaped_;  // deque: growing it never moves earlier strings
};

}  // namespace mystocks::sources
