// Column codec: one chunk column (a core::Column of a given Field) to its inner encoding and back:
//   [u8 column type][u8 flags: 1 = has validity][varint rows][validity bitmap][values]
// Values go through the codec of their type (codec_int, codec_float, codec_string). Null slots
// are filled with the previous valid value before encoding (so they cost nothing) and come back
// as the type's default value; a column without nulls comes back without a validity vector.
// Pure functions: safe from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/record_batch.h"
#include "core/status.h"

namespace mystocks::tsdb {

// Appends the encoding of rows [begin, end) of `column`, whose storage matches `type`.
void encode_column(ColumnType type, const Column& column, size_t begin, size_t end,
                   std::string& out);

// Decodes an encoding made by encode_column for a column of `type` with `rows` rows.
Status decode_column(ColumnType type, std::string_view encoded, size_t rows, Column& out);

// Bytes of one value as a plain fixed-width column (strings: their length plus a 4-byte offset),
// the "raw" size stats and the benchmark compare against.
size_t raw_value_bytes(ColumnType type);

}  // namespace mystocks::tsdb
