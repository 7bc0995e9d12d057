// String and bitmap codecs. Strings: a dictionary (distinct values, then ids through the integer
// codec) when values repeat, else length-prefixed plain values. Bitmaps: one bit per value, LSB
// first, for bool columns and validity. Pure functions: safe from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "storage/tsdb/byte_stream.h"

namespace mystocks::tsdb {

enum class StringCodec : uint8_t { kEmpty = 0, kPlain = 1, kDictionary = 2 };

void encode_strings(std::span<const std::string> values, std::string& out);
// Appends exactly `count` values to `out`; DATA_LOSS on malformed input.
Status decode_strings(ByteReader& in, size_t count, std::vector<std::string>& out);

StringCodec peek_string_codec(std::string_view encoded);

// Bytes (0 / non-zero) as a bitmap of ceil(n / 8) bytes.
void encode_bitmap(std::span<const uint8_t> flags, std::string& out);
// Exactly `count` 0/1 bytes into `out` (room for `count`).
Status decode_bitmap(ByteReader& in, size_t count, uint8_t* out);

}  // namespace mystocks::tsdb
