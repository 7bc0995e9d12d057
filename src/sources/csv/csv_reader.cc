#include "sources/csv/csv_reader.h"

#include <algorithm>
#include <cstring>
#include <numeric>
#include <system_error>

#include "sources/batch_ops.h"

namespace mystocks::sources {
namespace {

// The length of the prefix of `text` that holds whole records only; the rest is a record whose
// quoted field goes on in the next block. `last`: no text follows (everything is whole).
size_t whole_records(std::string_view text, char delimiter, bool last) {
  if (last) return text.size();
  // Without quotes every line break ends a record (the block ends with one): the common case
  // costs one memchr.
  if (std::memchr(text.data(), '"', text.size()) == nullptr) return text.size();
  CsvTokenizer tokenizer(text, delimiter);
  tokenizer.reset(text, false);
  CsvRecord record;
  while (true) {
    Result<bool> more = tokenizer.next(record);
    if (more.is_ok() && !*more) break;  // malformed records are the parser's to report
  }
  return tokenizer.consumed();
}

CsvBlockRows failed_block(Status status) {
  CsvBlockRows rows;
  rows.stopped = std::move(status);
  return rows;
}

}  // namespace

CsvReader::CsvReader(std::string file_name, const storage::TableSchema& table, CsvOptions options)
    : file_name_(std::move(file_name)), table_(&table), options_(std::move(options)) {}

CsvReader::~CsvReader() {
  in_flight_.clear();  // waits for the parses in flight before the parser goes
}

Result<std::unique_ptr<CsvReader>> CsvReader::open_file(const std::string& path,
                                                        const storage::TableSchema& table,
                                                        CsvOptions options) {
  Result<std::unique_ptr<CsvInput>> input =
      CsvInput::open_file(path, options.encoding, options.read_block_bytes);
  if (!input.is_ok()) return input.status();
  std::unique_ptr<CsvReader> reader(new CsvReader(path, table, std::move(options)));
  MYSTOCKS_RETURN_IF_ERROR(reader->prepare(std::move(input).value()));
  return reader;
}

Result<std::unique_ptr<CsvReader>> CsvReader::open_text(std::string bytes, std::string file_name,
                                                        const storage::TableSchema& table,
                                                        CsvOptions options) {
  std::unique_ptr<CsvInput> input =
      CsvInput::from_bytes(std::move(bytes), file_name, options.encoding, options.read_block_bytes);
  std::unique_ptr<CsvReader> reader(new CsvReader(std::move(file_name), table, std::move(options)));
  MYSTOCKS_RETURN_IF_ERROR(reader->prepare(std::move(input)));
  return reader;
}

Status CsvReader::prepare(std::unique_ptr<CsvInput> input) {
  input_ = std::move(input);
  MYSTOCKS_RETURN_IF_ERROR(input_->next_block(0));
  CsvTokenizer tokenizer(std::string_view(), options_.delimiter);
  tokenizer.reset(input_->text(), input_->last());
  CsvRecord header;
  while (true) {
    Result<bool> more = tokenizer.next(header);
    if (!more.is_ok()) return more.status().with_context(file_name_ + " (header)");
    if (*more) break;
    if (input_->last()) {
      return error(ErrorCode::kInvalidArgument,
                   "{}: the file is empty: expected a header line such "
                   "as 日期,开盘,最高,最低,收盘,成交量",
                   file_name_);
    }
    MYSTOCKS_RETURN_IF_ERROR(input_->next_block(tokenizer.consumed()));
    tokenizer.reset(input_->text(), input_->last());
  }
  std::vector<std::string> headers(header.fields.begin(), header.fields.end());
  keep_from_ = tokenizer.consumed();
  next_line_ = tokenizer.line();
  Result<CsvRowParser> parser =
      CsvRowParser::build(file_name_, *table_, options_, std::move(headers));
  if (!parser.is_ok()) return parser.status();
  parser_ = std::make_unique<const CsvRowParser>(std::move(parser).value());
  return Status::ok();
}

Result<bool> CsvReader::read_block(std::string& text, int64_t& first_line, size_t& line_breaks) {
  while (true) {
    const std::string_view unread = input_->text().substr(keep_from_);
    const size_t cut = whole_records(unread, options_.delimiter, input_->last());
    if (cut > 0) {
      text.assign(unread.substr(0, cut));
      first_line = next_line_;
      line_breaks = count_line_breaks(text);
      next_line_ += static_cast<int64_t>(line_breaks);
      keep_from_ += cut;
      return true;
    }
    if (input_->last()) return false;
    MYSTOCKS_RETURN_IF_ERROR(input_->next_block(keep_from_));
    keep_from_ = 0;
  }
}

void CsvReader::fill_pipeline() {
  const size_t depth = std::max<size_t>(options_.parse_threads, 1);
  while (in_flight_.size() < depth && !input_done_) {
    std::string text;
    int64_t first_line = 0;
    size_t line_breaks = 0;
    Result<bool> read = read_block(text, first_line, line_breaks);
    if (!read.is_ok() || !*read) {
      input_done_ = true;
      if (!read.is_ok()) {
        in_flight_.push_back(std::async(std::launch::deferred, failed_block, read.status()));
      }
      return;
    }
    const CsvRowParser* parser = parser_.get();
    auto parse = [parser, text = std::move(text), first_line, line_breaks] {
      return parser->parse_block(text, first_line, line_breaks + 1);
    };
    std::future<CsvBlockRows> parsed;
    if (depth > 1) {
      try {
        parsed = std::async(std::launch::async, parse);
      } catch (const std::system_error&) {
        // No thread to be had (a process at its limit): parse on this thread instead.
      }
    }
    if (!parsed.valid()) parsed = std::async(std::launch::deferred, std::move(parse));
    in_flight_.push_back(std::move(parsed));
  }
}

std::optional<CsvBlockRows> CsvReader::next_parsed() {
  fill_pipeline();
  if (in_flight_.empty()) return std::nullopt;
  CsvBlockRows rows = in_flight_.front().get();
  in_flight_.pop_front();
  fill_pipeline();  // keeps the threads busy while the caller works on these rows
  return rows;
}

Result<CsvChunk> CsvReader::next_piece(size_t max_rows) {
  CsvChunk piece;
  if (!stopped_.is_ok()) {
    done_ = true;
    in_flight_.clear();
    return stopped_;
  }
  while (!done_ && !current_) {
    std::optional<CsvBlockRows> block = next_parsed();
    if (!block) {
      done_ = true;
      break;
    }
    CsvChunk& parsed = block->chunk;
    piece.rows_read += parsed.rows_read;
    piece.rows_skipped += parsed.rows_skipped;
    for (CsvIssue& issue : parsed.issues) {
      if (issues_kept_ == options_.max_issues) break;
      ++issues_kept_;
      piece.issues.push_back(std::move(issue));
    }
    if (parsed.batch.num_rows() > 0) {
      current_ = std::move(block);
      current_pos_ = 0;
    } else if (!block->stopped.is_ok()) {
      stopped_ = block->stopped;
      return next_piece(max_rows);
    }
  }
  if (!current_) {
    Result<RecordBatch> empty = concat_batches({}, table_->schema());
    if (!empty.is_ok()) return empty.status();
    piece.batch = std::move(empty).value();
    return piece;
  }
  CsvChunk& block = current_->chunk;
  const size_t left = block.batch.num_rows() - current_pos_;
  const size_t count = max_rows == 0 ? left : std::min(left, max_rows);
  const bool finished = count == left;
  if (current_pos_ == 0 && finished) {
    piece.batch = std::move(block.batch);
    piece.row_lines = std::move(block.row_lines);
  } else {
    std::vector<uint32_t> rows(count);
    std::iota(rows.begin(), rows.end(), static_cast<uint32_t>(current_pos_));
    piece.batch = take_rows(block.batch, rows);
    piece.row_lines.assign(block.row_lines.begin() + static_cast<ptrdiff_t>(current_pos_),
                           block.row_lines.begin() + static_cast<ptrdiff_t>(current_pos_ + count));
  }
  current_pos_ += count;
  if (finished) {
    // Under kStop the block's bad line comes after its rows: the next call fails with it.
    stopped_ = current_->stopped;
    current_.reset();
    // The end of the file is known once nothing is left to read or parse.
    if (stopped_.is_ok() && input_done_ && in_flight_.empty()) done_ = true;
  }
  return piece;
}

Result<CsvChunk> CsvReader::next(size_t max_rows) {
  CsvChunk chunk;
  std::vector<RecordBatch> pieces;
  size_t rows = 0;
  while (!done_ && (max_rows == 0 || rows < max_rows)) {
    Result<CsvChunk> piece = next_piece(max_rows == 0 ? 0 : max_rows - rows);
    if (!piece.is_ok()) return piece.status();  // the chunk's rows go: nothing half-written
    chunk.rows_read += piece->rows_read;
    chunk.rows_skipped += piece->rows_skipped;
    std::move(piece->issues.begin(), piece->issues.end(), std::back_inserter(chunk.issues));
    if (piece->batch.num_rows() == 0) continue;
    rows += piece->batch.num_rows();
    chunk.row_lines.insert(chunk.row_lines.end(), piece->row_lines.begin(), piece->row_lines.end());
    pieces.push_back(std::move(piece->batch));
  }
  if (pieces.size() == 1) {
    chunk.batch = std::move(pieces.front());
    return chunk;
  }
  Result<RecordBatch> batch = concat_batches(pieces, table_->schema());
  if (!batch.is_ok()) return batch.status().with_context(file_name_);
  chunk.batch = std::move(batch).value();
  return chunk;
}

Result<CsvChunk> import_csv_file(const std::string& path, const storage::TableSchema& table,
                                 const CsvOptions& options) {
  Result<std::unique_ptr<CsvReader>> reader = CsvReader::open_file(path, table, options);
  if (!reader.is_ok()) return reader.status();
  return (*reader)->next(0);
}

}  // namespace mystocks::sources
