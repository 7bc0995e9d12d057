#include "sources/csv/text_encoding.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <iconv.h>

namespace mystocks::sources {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Length of the valid UTF-8 prefix of `bytes`.
size_t valid_utf8_prefix(std::string_view bytes) {
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t size = bytes.size();
  size_t pos = 0;
  while (pos < size) {
    // ASCII runs are the common case: check eight bytes at once.
    if (pos + 8 <= size) {
      uint64_t word = 0;
      std::memcpy(&word, data + pos, 8);
      if ((word & 0x8080808080808080ULL) == 0) {
        pos += 8;
        continue;
      }
    }
    const unsigned char lead = data[pos];
    if (lead < 0x80) {
      ++pos;
      continue;
    }
    size_t length = 0;
    uint32_t min_code = 0;
    if ((lead & 0xE0) == 0xC0) {
      length = 2;
      min_code = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3;
      min_code = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4;
      min_code = 0x10000;
    } else {
      return pos;
    }
    if (pos + length > size) return pos;
    uint32_t code = lead & (0x7F >> length);
    for (size_t k = 1; k < length; ++k) {
      if ((data[pos + k] & 0xC0) != 0x80) return pos;
      code = (code << 6) | (data[pos + k] & 0x3F);
    }
    if (code < min_code || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return pos;
    pos += length;
  }
  return size;
}

// "FILE:LINE:COLUMN" of byte `offset` (column counts bytes, 1-based).
std::string position_of(std::string_view text, size_t offset, std::string_view file_name,
                        int64_t first_line) {
  const std::string_view before = text.substr(0, offset);
  const int64_t line = first_line + std::count(before.begin(), before.end(), '\n');
  const size_t line_start = before.rfind('\n');
  const size_t column = offset - (line_start == std::string_view::npos ? 0 : line_start + 1) + 1;
  return std::string(file_name) + ":" + std::to_string(line) + ":" + std::to_string(column);
}

Result<std::string> gbk_to_utf8(const std::string& bytes, std::string_view file_name,
                                int64_t first_line) {
  iconv_t converter = iconv_open("UTF-8", "GB18030");
  if (converter == reinterpret_cast<iconv_t>(-1)) {
    return error(ErrorCode::kInternal, "{}: iconv cannot convert GB18030 to UTF-8: {}", file_name,
                 std::strerror(errno));
  }
  std::string out(bytes.size() * 3 / 2 + 16, '\0');
  char* in_ptr = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  size_t produced = 0;
  Status failure;
  while (in_left > 0) {
    char* out_ptr = out.data() + produced;
    size_t out_left = out.size() - produced;
    const size_t result = iconv(converter, &in_ptr, &in_left, &out_ptr, &out_left);
    produced = out.size() - out_left;
    if (result != static_cast<size_t>(-1)) break;
    if (errno == E2BIG) {
      out.resize(out.size() * 2);
      continue;
    }
    const size_t offset = bytes.size() - in_left;
    failure = error(ErrorCode::kInvalidArgument,
                    "{}: byte 0x{:02X} is not valid GBK/GB18030 text (pass --encoding utf-8 if "
                    "the file is UTF-8)",
                    position_of(bytes, offset, file_name, first_line),
                    static_cast<unsigned>(static_cast<unsigned char>(bytes[offset])));
    break;
  }
  iconv_close(converter);
  if (!failure.is_ok()) return failure;
  out.resize(produced);
  return out;
}

}  // namespace

std::string_view encoding_name(TextEncoding encoding) {
  switch (encoding) {
    case TextEncoding::kAuto:
      return "auto";
    case TextEncoding::kUtf8:
      return "utf-8";
    case TextEncoding::kGbk:
      return "gbk";
  }
  return "auto";
}

Result<TextEncoding> parse_encoding(std::string_view name) {
  const std::string key = lower(name);
  if (key == "auto") return TextEncoding::kAuto;
  if (key == "utf-8" || key == "utf8") return TextEncoding::kUtf8;
  if (key == "gbk" || key == "gb2312" || key == "gb18030" || key == "cp936")
    return TextEncoding::kGbk;
  return field_error(ErrorCode::kInvalidArgument, "encoding",
                     "encoding '{}' is unknown: expected auto, utf-8 or gbk", name);
}

bool is_valid_utf8(std::string_view bytes) { return valid_utf8_prefix(bytes) == bytes.size(); }

bool has_non_ascii(std::string_view bytes) {
  size_t pos = 0;
  for (; pos + 8 <= bytes.size(); pos += 8) {  // eight bytes at a time, as valid_utf8_prefix
    uint64_t word = 0;
    std::memcpy(&word, bytes.data() + pos, 8);
    if ((word & 0x8080808080808080ULL) != 0) return true;
  }
  for (; pos < bytes.size(); ++pos) {
    if (static_cast<unsigned char>(bytes[pos]) >= 0x80) return true;
  }
  return false;
}

Result<DecodedText> decode_to_utf8(std::string bytes, TextEncoding encoding,
                                   std::string_view file_name, int64_t first_line) {
  DecodedText decoded;
  if (std::string_view(bytes).starts_with(kBom)) {
    // A BOM settles the question: the file is UTF-8 whatever was asked for "auto".
    bytes.erase(0, kBom.size());
    decoded.had_bom = true;
    if (encoding == TextEncoding::kAuto) encoding = TextEncoding::kUtf8;
  }
  if (encoding == TextEncoding::kAuto) {
    encoding = is_valid_utf8(bytes) ? TextEncoding::kUtf8 : TextEncoding::kGbk;
  }
  decoded.encoding = encoding;
  if (encoding == TextEncoding::kUtf8) {
    const size_t valid = valid_utf8_prefix(bytes);
    if (valid != bytes.size()) {
      return error(ErrorCode::kInvalidArgument,
                   "{}: byte 0x{:02X} is not valid UTF-8 (pass --encoding gbk if the file came "
                   "from a GBK tool such as Excel on Chinese Windows)",
                   position_of(bytes, valid, file_name, first_line),
                   static_cast<unsigned>(static_cast<unsigned char>(bytes[valid])));
    }
    decoded.text = std::move(bytes);
    return decoded;
  }
  Result<std::string> converted = gbk_to_utf8(bytes, file_name, first_line);
  if (!converted.is_ok()) return converted.status();
  decoded.text = std::move(converted).value();
  return decoded;
}

}  // namespace mystocks::sources
