// Double column codec. A chunk whose values are all exact decimals with at most 4 places
// (percentages, rates) is stored as scaled integers through the integer codec; anything else
// (NaN, infinities, -0.0, true floats) uses Gorilla XOR bit packing (Pelkonen et al., VLDB 2015),
// which is lossless bit for bit. Pure functions: safe from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "core/status.h"
#include "storage/tsdb/byte_stream.h"

namespace mystocks::tsdb {

enum class FloatCodec : uint8_t { kEmpty = 0, kGorilla = 1, kScaledDecimal = 2 };

void encode_doubles(std::span<const double> values, std::string& out);

// Decodes exactly `count` values into `out`; DATA_LOSS on malformed input.
Status decode_doubles(ByteReader& in, size_t count, double* out);

FloatCodec peek_float_codec(std::string_view encoded);

}  // namespace mystocks::tsdb
