// CsvInput: the text of one CSV file, read in blocks of bounded size so a multi-GB file never
// sits in memory whole. Each block is cut just after its last line break (a line break byte
// never occurs inside a UTF-8 or GBK/GB18030 character, so a cut never splits one) and decoded to
// UTF-8 on its own. With TextEncoding::kAuto the encoding is settled by the first block that
// shows it: a BOM or valid non-ASCII UTF-8 means UTF-8, invalid UTF-8 means GBK; ASCII-only
// blocks decide nothing, so a file whose first Chinese text comes late is still read right.
// Once settled, a block that is not valid in the encoding fails with FILE:LINE:COLUMN.
// Invariants: text() ends with '\n' unless last(); memory held is about one block, plus the
// unread tail the caller carries over (one record), bounded by kMaxCarryBytes.
// One owner; not synchronised.
#pragma once

#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "sources/csv/text_encoding.h"

namespace mystocks::sources {

// Number of '\n' bytes in `text` (memchr: it runs at memory speed, where a byte loop costs as
// much as tokenizing a tenth of a block). Line numbers of blocks and of parse errors follow it.
size_t count_line_breaks(std::string_view text);

class CsvInput {
 public:
  // A record (or a line) longer than this fails the file instead of growing the buffer.
  static constexpr size_t kMaxCarryBytes = size_t{64} << 20;

  static Result<std::unique_ptr<CsvInput>> open_file(const std::string& path, TextEncoding encoding,
                                                     size_t block_bytes);
  // `bytes` as read from a file called `file_name` (tests, in-memory imports).
  static std::unique_ptr<CsvInput> from_bytes(std::string bytes, std::string file_name,
                                              TextEncoding encoding, size_t block_bytes);

  // Replaces text() with its unread tail from `keep_from` on followed by the next block,
  // decoded (text() is empty until the first call). Call only while !last().
  Status next_block(size_t keep_from);

  std::string_view text() const { return text_; }
  bool last() const { return last_; }
  // The encoding settled so far (kUtf8 while only ASCII was seen).
  TextEncoding encoding() const {
    return settled_ == TextEncoding::kAuto ? TextEncoding::kUtf8 : settled_;
  }

 private:
  CsvInput(std::string file_name, TextEncoding encoding, size_t block_bytes);
  // Appends up to block_bytes_ raw bytes to raw_; sets eof_ at the end.
  Status read_raw();
  // Decodes raw_[0, cut) into UTF-8, settling the encoding when it can.
  Result<std::string> decode(size_t cut);

  std::string file_name_;
  TextEncoding settled_;  // kAuto until a block shows the encoding
  size_t block_bytes_;
  std::ifstream file_;  // when reading a file
  std::string memory_;  // when reading bytes given in memory
  size_t memory_pos_ = 0;
  std::string raw_;  // undecoded bytes after the last cut
  std::string text_;
  int64_t lines_before_ = 0;  // line breaks in the blocks decoded so far (error positions)
  bool first_block_ = true;
  bool eof_ = false;
  bool last_ = false;
};

}  // namespace mystocks::sources
