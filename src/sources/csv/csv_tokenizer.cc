#include "sources/csv/csv_tokenizer.h"

namespace mystocks::sources {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view field) {
  while (!field.empty() && (is_blank(field.front()) || field.front() == '\r'))
    field.remove_prefix(1);
  while (!field.empty() && (is_blank(field.back()) || field.back() == '\r')) field.remove_suffix(1);
  return field;
}

}  // namespace

CsvTokenizer::CsvTokenizer(std::string_view text, char delimiter, int64_t first_line)
    : text_(text), line_(first_line), delimiter_(delimiter) {}

void CsvTokenizer::reset(std::string_view text, bool last) {
  text_ = text;
  pos_ = 0;
  last_ = last;
}

void CsvTokenizer::skip_line() {
  const size_t end = text_.find('\n', pos_);
  if (end == std::string_view::npos) {
    pos_ = text_.size();
  } else {
    pos_ = end + 1;
    ++line_;
  }
}

Status CsvTokenizer::malformed(int64_t line, size_t column, std::string_view problem) {
  error_line_ = line;
  error_column_ = static_cast<int>(column);
  return Status(ErrorCode::kInvalidArgument, std::string(problem));
}

Result<bool> CsvTokenizer::next(CsvRecord& record) {
  record.fields.clear();
  unescaped_.clear();
  const size_t size = text_.size();
  // Skip blank lines (only spaces, tabs or CR).
  while (pos_ < size) {
    size_t probe = pos_;
    while (probe < size && (is_blank(text_[probe]) || text_[probe] == '\r')) ++probe;
    if (probe < size && text_[probe] == '\n') {
      pos_ = probe + 1;
      ++line_;
      continue;
    }
    if (probe == size) pos_ = size;
    break;
  }
  if (pos_ >= size) return false;
  record.line = line_;
  const size_t record_start = pos_;
  const char* data = text_.data();
  while (true) {
    // Leading blanks before a possible opening quote.
    size_t start = pos_;
    while (start < size && is_blank(data[start])) ++start;
    if (start < size && data[start] == '"') {
      const int64_t quote_line = line_;
      size_t cursor = start + 1;
      size_t segment = cursor;
      std::string* unescaped = nullptr;
      while (true) {
        const size_t quote = text_.find('"', cursor);
        if (quote == std::string_view::npos && !last_) {
          // The field goes on in the next block: leave the whole record for it.
          pos_ = record_start;
          line_ = record.line;
          record.fields.clear();
          return false;
        }
        if (quote == std::string_view::npos) {
          pos_ = size;
          return malformed(quote_line, record.fields.size() + 1,
                           "the quoted field never ends (a closing \" is missing)");
        }
        for (size_t k = cursor; k < quote; ++k) {
          if (data[k] == '\n') ++line_;  // line breaks inside quotes belong to the field
        }
        if (quote + 1 < size && data[quote + 1] == '"') {
          if (unescaped == nullptr) unescaped = &unescaped_.emplace_back();
          unescaped->append(data + segment, quote + 1 - segment);  // keep one quote
          cursor = segment = quote + 2;
          continue;
        }
        std::string_view value;
        if (unescaped != nullptr) {
          unescaped->append(data + segment, quote - segment);
          value = *unescaped;
        } else {
          value = text_.substr(start + 1, quote - start - 1);
        }
        record.fields.push_back(value);
        pos_ = quote + 1;
        break;
      }
      while (pos_ < size && (is_blank(data[pos_]) || data[pos_] == '\r')) ++pos_;
      if (pos_ >= size || data[pos_] == '\n') {
        if (pos_ < size) {
          ++pos_;
          ++line_;
        }
        return true;
      }
      if (data[pos_] == delimiter_) {
        ++pos_;
        continue;
      }
      const int64_t bad_line = line_;
      skip_line();
      return malformed(bad_line, record.fields.size(),
                       "unexpected text after the closing quote (quote the whole field and "
                       "double any quote inside it)");
    }
    // Unquoted field: up to the delimiter or the line end.
    size_t end = pos_;
    while (end < size && data[end] != delimiter_ && data[end] != '\n') ++end;
    const std::string_view value = trim(text_.substr(pos_, end - pos_));
    if (value.find('"') != std::string_view::npos) {
      const int64_t bad_line = line_;
      skip_line();
      return malformed(bad_line, record.fields.size() + 1,
                       "a quote inside an unquoted field (quote the whole field and double the "
                       "quote)");
    }
    record.fields.push_back(value);
    if (end >= size) {
      pos_ = size;
      return true;
    }
    if (data[end] == '\n') {
      pos_ = end + 1;
      ++line_;
      return true;
    }
    pos_ = end + 1;  // past the delimiter
  }
}

}  // namespace mystocks::sources
