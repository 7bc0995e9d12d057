// Text encodings of imported files. Exports from Chinese tools come as UTF-8 (with or without a
// byte-order mark) or GBK (Excel and older tools on Chinese Windows). Everything downstream
// works on UTF-8: decode_to_utf8() strips a BOM and converts GBK with glibc's iconv (as GB18030,
// the superset of GBK and GB2312), and reports undecodable bytes with file, line and column.
// Pure functions: safe from any thread (each call opens its own iconv descriptor).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace mystocks::sources {

enum class TextEncoding : uint8_t {
  kAuto,  // UTF-8 when the bytes are valid UTF-8 (or start with a BOM), else GBK
  kUtf8,
  kGbk,
};

std::string_view encoding_name(TextEncoding encoding);  // "auto", "utf-8", "gbk"
// Accepts auto, utf-8, utf8, gbk, gb2312, gb18030, cp936 (any case).
Result<TextEncoding> parse_encoding(std::string_view name);

bool is_valid_utf8(std::string_view bytes);

struct DecodedText {
  std::string text;                             // UTF-8 without BOM
  TextEncoding encoding = TextEncoding::kUtf8;  // what the input turned out to be
  bool had_bom = false;
};

// kInvalidArgument "FILE:LINE:COLUMN: ..." when the bytes are not valid in the encoding; LINE
// counts from `first_line` (the line `bytes` start on, when they are one block of a file).
Result<DecodedText> decode_to_utf8(std::string bytes, TextEncoding encoding,
                                   std::string_view file_name, int64_t first_line = 1);

// True when `bytes` hold a byte >= 0x80.
bool has_non_ascii(std::string_view bytes);

}  // namespace mystocks::sources
