// Integer column codec: the inner encoding of timestamp, decimal, int64, int32, date columns
// (and of dictionary ids and scaled doubles). Picks, per chunk, the cheapest of:
//   constant          one value repeated
//   delta-of-delta    for timestamps: regular 3 s snapshots become a run of zeros
//   delta / GCD       prices move in ticks, cumulative volume in lots: small zigzag varints
//   frame-of-ref/GCD  (value - min) / GCD, for values that wander without a trend
// All arithmetic wraps in uint64, so every int64 sequence (extreme deltas included) round-trips
// exactly. The output is meant to be compressed again by the outer codec (zstd/lz4).
// Pure functions: safe from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "core/status.h"
#include "storage/tsdb/byte_stream.h"

namespace mystocks::tsdb {

enum class IntCodec : uint8_t {
  kEmpty = 0,
  kConstant = 1,
  kDeltaOfDelta = 2,
  kDelta = 3,
  kFrameOfReference = 4,
};

// Appends the encoding of `values` to `out`. `time_like` forces delta-of-delta (timestamps),
// whose zero runs compress far better than their varint length suggests.
void encode_ints(std::span<const int64_t> values, bool time_like, std::string& out);

// Decodes exactly `count` values into `out` (room for `count`). DATA_LOSS on malformed input
// or a count that does not match.
Status decode_ints(ByteReader& in, size_t count, int64_t* out);

// The codec an encoding starts with (for stats and tests); kEmpty on empty input.
IntCodec peek_int_codec(std::string_view encoded);

}  // namespace mystocks::tsdb
