#include "sources/csv/csv_input.h"

#include <algorithm>
#include <cstring>

namespace mystocks::sources {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

}  // namespace

CsvInput::CsvInput(std::string file_name, TextEncoding encoding, size_t block_bytes)
    : file_name_(std::move(file_name)),
      settled_(encoding),
      block_bytes_(std::max<size_t>(block_bytes, 1)) {}

Result<std::unique_ptr<CsvInput>> CsvInput::open_file(const std::string& path,
                                                      TextEncoding encoding, size_t block_bytes) {
  std::unique_ptr<CsvInput> input(new CsvInput(path, encoding, block_bytes));
  input->file_.open(path, std::ios::binary);
  if (!input->file_) {
    return field_error(ErrorCode::kNotFound, "file", "{}: cannot open the CSV file", path);
  }
  return input;
}

std::unique_ptr<CsvInput> CsvInput::from_bytes(std::string bytes, std::string file_name,
                                               TextEncoding encoding, size_t block_bytes) {
  std::unique_ptr<CsvInput> input(new CsvInput(std::move(file_name), encoding, block_bytes));
  input->memory_ = std::move(bytes);
  return input;
}

Status CsvInput::read_raw() {
  const size_t before = raw_.size();
  if (file_.is_open()) {
    raw_.resize(before + block_bytes_);
    file_.read(raw_.data() + before, static_cast<std::streamsize>(block_bytes_));
    const auto got = static_cast<size_t>(file_.gcount());
    raw_.resize(before + got);
    if (file_.bad())
      return error(ErrorCode::kIoError, "{}: reading the CSV file failed", file_name_);
    if (file_.eof() || got == 0) eof_ = true;
  } else {
    const size_t got = std::min(block_bytes_, memory_.size() - memory_pos_);
    raw_.append(memory_, memory_pos_, got);
    memory_pos_ += got;
    if (memory_pos_ == memory_.size()) eof_ = true;
  }
  return Status::ok();
}

Result<std::string> CsvInput::decode(size_t cut) {
  std::string bytes = raw_.substr(0, cut);
  raw_.erase(0, cut);
  if (first_block_ && std::string_view(bytes).starts_with(kBom)) {
    bytes.erase(0, kBom.size());
    if (settled_ == TextEncoding::kAuto) settled_ = TextEncoding::kUtf8;
  }
  first_block_ = false;
  TextEncoding encoding = settled_;
  if (encoding == TextEncoding::kAuto) {
    // An ASCII-only block is the same text in both encodings: it settles nothing.
    if (!is_valid_utf8(bytes)) {
      settled_ = encoding = TextEncoding::kGbk;
    } else {
      if (has_non_ascii(bytes)) settled_ = TextEncoding::kUtf8;
      encoding = TextEncoding::kUtf8;
    }
  }
  const int64_t first_line = lines_before_ + 1;
  lines_before_ += static_cast<int64_t>(count_line_breaks(bytes));
  Result<DecodedText> decoded = decode_to_utf8(std::move(bytes), encoding, file_name_, first_line);
  if (!decoded.is_ok()) return decoded.status();
  return std::move(decoded->text);
}

Status CsvInput::next_block(size_t keep_from) {
  std::string carry = text_.substr(std::min(keep_from, text_.size()));
  size_t cut = 0;
  while (true) {
    if (!eof_) MYSTOCKS_RETURN_IF_ERROR(read_raw());
    if (eof_) {
      cut = raw_.size();
      last_ = true;
      break;
    }
    const size_t line_break = raw_.rfind('\n');
    if (line_break != std::string::npos) {
      cut = line_break + 1;
      break;
    }
    if (raw_.size() > kMaxCarryBytes) {
      return error(ErrorCode::kInvalidArgument,
                   "{}:{}: a line is longer than {} MiB (not a CSV file, or no line breaks?)",
                   file_name_, lines_before_ + 1, kMaxCarryBytes >> 20);
    }
  }
  Result<std::string> decoded = decode(cut);
  if (!decoded.is_ok()) return decoded.status();
  if (carry.empty()) {
    text_ = std::move(decoded).value();
  } else {
    if (carry.size() > kMaxCarryBytes) {
      return error(
          ErrorCode::kInvalidArgument,
          "{}:{}: a quoted field runs on for more than {} MiB without its closing quote",
          file_name_,
          lines_before_ -
              static_cast<int64_t>(count_line_breaks(carry) + count_line_breaks(*decoded)) + 1,
          kMaxCarryBytes >> 20);
    }
    carry += *decoded;
    text_ = std::move(carry);
  }
  return Status::ok();
}

size_t count_line_breaks(std::string_view text) {
  size_t count = 0;
  const char* cursor = text.data();
  const char* end = text.data() + text.size();
  while ((cursor = static_cast<const char*>(std::memchr(cursor, '\n', end - cursor))) != nullptr) {
    ++count;
    ++cursor;
  }
  return count;
}

}  // namespace mystocks::sources
