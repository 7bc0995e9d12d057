#include "storage/tsdb/codec_float.h"

#include <bit>
#include <cmath>
#include <vector>

#include "storage/tsdb/bit_stream.h"
#include "storage/tsdb/codec_int.h"

namespace mystocks::tsdb {
namespace {

constexpr int kMaxScale = 4;
constexpr double kPowersOfTen[] = {1, 10, 100, 1000, 10000};
constexpr double kMaxExactInteger = 9007199254740992.0;  // 2^53

// The smallest scale at which every value is q / 10^scale for an integer q, exactly; -1 if none.
int exact_decimal_scale(std::span<const double> values, std::vector<int64_t>& scaled) {
  for (int scale = 0; scale <= kMaxScale; ++scale) {
    const double power = kPowersOfTen[scale];
    bool exact = true;
    scaled.resize(values.size());
    for (size_t index = 0; index < values.size() && exact; ++index) {
      const double value = values[index];
      const double product = value * power;
      if (!(std::fabs(product) < kMaxExactInteger)) {  // also rejects NaN and infinities
        exact = false;
        break;
      }
      const auto integer = static_cast<int64_t>(std::nearbyint(product));
      // Rebuilding from the integer exactly as the decoder will, compared bit for bit, keeps
      // -0.0 (which would come back as +0.0) on the Gorilla path.
      exact = std::bit_cast<uint64_t>(static_cast<double>(integer) / power) ==
              std::bit_cast<uint64_t>(value);
      scaled[index] = integer;
    }
    if (exact) return scale;
  }
  return -1;
}

void encode_gorilla(std::span<const double> values, std::string& out) {
  BitWriter bits(out);
  uint64_t previous = std::bit_cast<uint64_t>(values[0]);
  bits.put(previous, 64);
  int previous_leading = -1;
  int previous_trailing = 0;
  for (size_t index = 1; index < values.size(); ++index) {
    const uint64_t current = std::bit_cast<uint64_t>(values[index]);
    const uint64_t delta = current ^ previous;
    previous = current;
    if (delta == 0) {
      bits.put_bit(false);
      continue;
    }
    bits.put_bit(true);
    int leading = std::countl_zero(delta);
    const int trailing = std::countr_zero(delta);
    if (leading > 31) leading = 31;  // 5 bits
    if (previous_leading >= 0 && leading >= previous_leading && trailing >= previous_trailing) {
      // Fits the previous window: reuse it.
      bits.put_bit(false);
      const int width = 64 - previous_leading - previous_trailing;
      bits.put(delta >> previous_trailing, width);
    } else {
      bits.put_bit(true);
      const int width = 64 - leading - trailing;  // 1..64
      bits.put(static_cast<uint64_t>(leading), 5);
      bits.put(static_cast<uint64_t>(width - 1), 6);
      bits.put(delta >> trailing, width);
      previous_leading = leading;
      previous_trailing = trailing;
    }
  }
  bits.finish();
}

Status decode_gorilla(ByteReader& in, size_t count, double* out) {
  // The bit stream is the rest of this encoding: its byte length is stored up front.
  uint64_t length = 0;
  std::string_view body;
  if (!in.get_varint(length) || !in.get_bytes(length, body)) {
    return error(ErrorCode::kDataLoss, "float block is malformed: truncated bit stream");
  }
  BitReader bits(body);
  uint64_t previous = bits.get(64);
  out[0] = std::bit_cast<double>(previous);
  int leading = 0;
  int width = 0;
  for (size_t index = 1; index < count && !bits.failed(); ++index) {
    if (bits.get_bit()) {
      if (bits.get_bit()) {
        leading = static_cast<int>(bits.get(5));
        width = static_cast<int>(bits.get(6)) + 1;
        if (leading + width > 64) {
          return error(ErrorCode::kDataLoss, "float block is malformed: bad XOR window");
        }
      } else if (width == 0) {
        return error(ErrorCode::kDataLoss, "float block is malformed: window reused before set");
      }
      const int trailing = 64 - leading - width;
      previous ^= bits.get(width) << trailing;
    }
    out[index] = std::bit_cast<double>(previous);
  }
  if (bits.failed()) {
    return error(ErrorCode::kDataLoss, "float block is malformed: bit stream ends early");
  }
  return Status::ok();
}

}  // namespace

void encode_doubles(std::span<const double> values, std::string& out) {
  ByteWriter writer(out);
  if (values.empty()) {
    writer.put_u8(static_cast<uint8_t>(FloatCodec::kEmpty));
    return;
  }
  std::vector<int64_t> scaled;
  const int scale = exact_decimal_scale(values, scaled);
  if (scale >= 0) {
    writer.put_u8(static_cast<uint8_t>(FloatCodec::kScaledDecimal));
    writer.put_varint(values.size());
    writer.put_u8(static_cast<uint8_t>(scale));
    encode_ints(scaled, false, out);
    return;
  }
  writer.put_u8(static_cast<uint8_t>(FloatCodec::kGorilla));
  writer.put_varint(values.size());
  std::string bits;
  bits.reserve(values.size() * 2);
  encode_gorilla(values, bits);
  writer.put_string(bits);
}

Status decode_doubles(ByteReader& in, size_t count, double* out) {
  uint8_t codec = 0;
  if (!in.get_u8(codec)) {
    return error(ErrorCode::kDataLoss, "float block is malformed: missing codec byte");
  }
  if (codec == static_cast<uint8_t>(FloatCodec::kEmpty)) {
    if (count == 0) return Status::ok();
    return error(ErrorCode::kDataLoss, "float block is empty where {} values were expected", count);
  }
  uint64_t stored_count = 0;
  if (!in.get_varint(stored_count) || stored_count != count) {
    return error(ErrorCode::kDataLoss, "float block holds {} values where {} were expected",
                 stored_count, count);
  }
  if (codec == static_cast<uint8_t>(FloatCodec::kGorilla)) return decode_gorilla(in, count, out);
  if (codec != static_cast<uint8_t>(FloatCodec::kScaledDecimal)) {
    return error(ErrorCode::kDataLoss, "float block has unknown codec {}", codec);
  }
  uint8_t scale = 0;
  if (!in.get_u8(scale) || scale > kMaxScale) {
    return error(ErrorCode::kDataLoss, "float block is malformed: bad decimal scale");
  }
  std::vector<int64_t> scaled(count);
  MYSTOCKS_RETURN_IF_ERROR(decode_ints(in, count, scaled.data()));
  const double power = kPowersOfTen[scale];
  for (size_t index = 0; index < count; ++index) {
    out[index] = static_cast<double>(scaled[index]) / power;
  }
  return Status::ok();
}

FloatCodec peek_float_codec(std::string_view encoded) {
  if (encoded.empty()) return FloatCodec::kEmpty;
  return static_cast<FloatCodec>(static_cast<uint8_t>(encoded[0]));
}

}  // namespace mystocks::tsdb
