#include "storage/tsdb/codec_int.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <vector>

namespace mystocks::tsdb {
namespace {

using u64 = uint64_t;

u64 magnitude(int64_t value) {
  return value < 0 ? ~static_cast<u64>(value) + 1 : static_cast<u64>(value);
}

// Appends varints of `count` values produced by `next()` with one reservation.
template <typename Next>
void put_varints(std::string& out, size_t count, Next&& next) {
  append_unfilled(out, count * kMaxVarintBytes, [&](char* cursor) {
    for (size_t index = 0; index < count; ++index) cursor = put_varint_raw(cursor, next(index));
    return cursor;
  });
}

// Fast varint decode of `count` values handed to `sink(index, value)`.
template <typename Sink>
bool get_varints(ByteReader& in, size_t count, Sink&& sink) {
  std::string_view rest = in.rest();
  const auto* cursor = reinterpret_cast<const uint8_t*>(rest.data());
  const auto* end = cursor + rest.size();
  for (size_t index = 0; index < count; ++index) {
    if (cursor < end && *cursor < 0x80) {
      sink(index, static_cast<u64>(*cursor++));
      continue;
    }
    u64 value = 0;
    int shift = 0;
    while (true) {
      if (cursor >= end || shift >= 70) return false;
      const uint8_t byte = *cursor++;
      value |= static_cast<u64>(byte & 0x7F) << shift;
      if (byte < 0x80) break;
      shift += 7;
    }
    sink(index, value);
  }
  std::string_view consumed;
  return in.get_bytes(static_cast<size_t>(cursor - reinterpret_cast<const uint8_t*>(rest.data())),
                      consumed);
}

// Exact division by a divisor known to divide the values: d = 2^shift * odd, and dividing by the
// odd part is a multiplication by its inverse modulo 2^64 (Granlund & Montgomery), so neither the
// divisibility tests nor the divisions of a chunk cost a hardware divide per value.
struct ExactDivisor {
  u64 divisor = 1;
  int shift = 0;
  u64 inverse = 1;  // of the odd part, modulo 2^64
  u64 limit = ~u64{0};  // largest quotient of a multiple of the odd part

  explicit ExactDivisor(u64 value) : divisor(value) {
    shift = __builtin_ctzll(value);
    const u64 odd = value >> shift;
    u64 x = odd;  // Newton iteration: each step doubles the correct low bits (3 -> 6 -> ... 96)
    for (int step = 0; step < 5; ++step) x *= 2 - odd * x;
    inverse = x;
    limit = ~u64{0} / odd;
  }
  bool divides(u64 value) const {
    return (value & ((u64{1} << shift) - 1)) == 0 && (value >> shift) * inverse <= limit;
  }
  u64 divide(u64 value) const { return (value >> shift) * inverse; }
  int64_t divide(int64_t value) const {
    return static_cast<int64_t>(static_cast<u64>(value >> shift) * inverse);
  }
};

// GCD of the magnitudes; 1 when it would not fit a positive int64 or when all are zero. The GCD of
// a prefix is checked against the rest with cheap divisibility tests and refined only on a miss.
u64 gcd_of(std::span<const u64> magnitudes) {
  u64 divisor = 0;
  size_t index = 0;
  for (; index < magnitudes.size() && (divisor == 0 || index < 16); ++index) {
    divisor = std::gcd(divisor, magnitudes[index]);
    if (divisor == 1) return 1;
  }
  if (divisor == 0) return 1;
  ExactDivisor exact(divisor);
  for (; index < magnitudes.size(); ++index) {
    if (exact.divides(magnitudes[index])) continue;
    divisor = std::gcd(divisor, magnitudes[index]);
    if (divisor == 1) return 1;
    exact = ExactDivisor(divisor);
  }
  if (divisor > static_cast<u64>(std::numeric_limits<int64_t>::max())) return 1;
  return divisor;
}

Status malformed(std::string_view what) {
  return error(ErrorCode::kDataLoss, "integer block is malformed: {}", what);
}

}  // namespace

void encode_ints(std::span<const int64_t> values, bool time_like, std::string& out) {
  ByteWriter writer(out);
  const size_t count = values.size();
  if (count == 0) {
    writer.put_u8(static_cast<uint8_t>(IntCodec::kEmpty));
    return;
  }
  const bool constant =
      std::all_of(values.begin(), values.end(), [&](int64_t v) { return v == values[0]; });
  if (constant) {
    writer.put_u8(static_cast<uint8_t>(IntCodec::kConstant));
    writer.put_varint(count);
    writer.put_signed(values[0]);
    return;
  }
  if (time_like) {
    writer.put_u8(static_cast<uint8_t>(IntCodec::kDeltaOfDelta));
    writer.put_varint(count);
    writer.put_signed(values[0]);
    u64 previous_delta = 0;
    put_varints(out, count - 1, [&](size_t index) {
      const u64 delta = static_cast<u64>(values[index + 1]) - static_cast<u64>(values[index]);
      const u64 delta_of_delta = delta - previous_delta;
      previous_delta = delta;
      return zigzag_encode(static_cast<int64_t>(delta_of_delta));
    });
    return;
  }
  // Deltas (wrapping, read as signed) and offsets from the minimum (unsigned), each divided by
  // its GCD; the one with the shorter varints is written.
  std::vector<u64> deltas(count - 1);
  std::vector<u64> magnitudes(count - 1);
  for (size_t index = 1; index < count; ++index) {
    deltas[index - 1] = static_cast<u64>(values[index]) - static_cast<u64>(values[index - 1]);
    magnitudes[index - 1] = magnitude(static_cast<int64_t>(deltas[index - 1]));
  }
  const int64_t minimum = *std::min_element(values.begin(), values.end());
  std::vector<u64> offsets(count);
  for (size_t index = 0; index < count; ++index) {
    offsets[index] = static_cast<u64>(values[index]) - static_cast<u64>(minimum);
  }
  const ExactDivisor delta_gcd(gcd_of(magnitudes));
  const ExactDivisor offset_gcd(gcd_of(offsets));
  size_t delta_size = 0;
  for (u64& delta : deltas) {
    delta = zigzag_encode(delta_gcd.divide(static_cast<int64_t>(delta)));
    delta_size += varint_length(delta);
  }
  size_t offset_size = 0;
  for (u64& offset : offsets) {
    offset = offset_gcd.divide(offset);
    offset_size += varint_length(offset);
  }
  if (delta_size <= offset_size) {
    writer.put_u8(static_cast<uint8_t>(IntCodec::kDelta));
    writer.put_varint(count);
    writer.put_signed(values[0]);
    writer.put_varint(delta_gcd.divisor);
    put_varints(out, count - 1, [&](size_t index) { return deltas[index]; });
  } else {
    writer.put_u8(static_cast<uint8_t>(IntCodec::kFrameOfReference));
    writer.put_varint(count);
    writer.put_signed(minimum);
    writer.put_varint(offset_gcd.divisor);
    put_varints(out, count, [&](size_t index) { return offsets[index]; });
  }
}

Status decode_ints(ByteReader& in, size_t count, int64_t* out) {
  uint8_t codec = 0;
  if (!in.get_u8(codec)) return malformed("missing codec byte");
  if (codec == static_cast<uint8_t>(IntCodec::kEmpty)) {
    return count == 0 ? Status::ok() : malformed("empty block where values were expected");
  }
  uint64_t stored_count = 0;
  if (!in.get_varint(stored_count)) return malformed("missing value count");
  if (stored_count != count) {
    return error(ErrorCode::kDataLoss, "integer block holds {} values where {} were expected",
                 stored_count, count);
  }
  // The encoder writes kEmpty for no values; any other codec announcing none is damage (and
  // the cases below write out[0]).
  if (count == 0) return malformed("a non-empty codec announces no values");
  int64_t first = 0;
  if (!in.get_signed(first)) return malformed("missing first value");
  switch (static_cast<IntCodec>(codec)) {
    case IntCodec::kConstant:
      std::fill(out, out + count, first);
      return Status::ok();
    case IntCodec::kDeltaOfDelta: {
      out[0] = first;
      u64 value = static_cast<u64>(first);
      u64 delta = 0;
      const bool ok = get_varints(in, count - 1, [&](size_t index, u64 raw) {
        delta += static_cast<u64>(zigzag_decode(raw));
        value += delta;
        out[index + 1] = static_cast<int64_t>(value);
      });
      return ok ? Status::ok() : malformed("truncated delta-of-delta values");
    }
    case IntCodec::kDelta: {
      uint64_t divisor = 0;
      if (!in.get_varint(divisor) || divisor == 0) return malformed("bad delta divisor");
      out[0] = first;
      u64 value = static_cast<u64>(first);
      const bool ok = get_varints(in, count - 1, [&](size_t index, u64 raw) {
        value += static_cast<u64>(zigzag_decode(raw)) * divisor;
        out[index + 1] = static_cast<int64_t>(value);
      });
      return ok ? Status::ok() : malformed("truncated delta values");
    }
    case IntCodec::kFrameOfReference: {
      uint64_t divisor = 0;
      if (!in.get_varint(divisor) || divisor == 0) return malformed("bad offset divisor");
      const u64 base = static_cast<u64>(first);
      const bool ok = get_varints(in, count, [&](size_t index, u64 raw) {
        out[index] = static_cast<int64_t>(base + raw * divisor);
      });
      return ok ? Status::ok() : malformed("truncated offset values");
    }
    case IntCodec::kEmpty:
      break;
  }
  return error(ErrorCode::kDataLoss, "integer block has unknown codec {}", codec);
}

IntCodec peek_int_codec(std::string_view encoded) {
  if (encoded.empty()) return IntCodec::kEmpty;
  return static_cast<IntCodec>(static_cast<uint8_t>(encoded[0]));
}

}  // namespace mystocks::tsdb
