// Round-trip tests of every tsdb codec, table-driven: each case is a named input that must come
// back bit for bit, through every outer compression. Edge cases: empty, one value, constant,
// extreme deltas (INT64_MIN/MAX alternating), NaN/Inf/-0.0, random data; plus decoders fed
// garbage must fail with DATA_LOSS rather than crash (run under ASan).
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "storage/tsdb/block.h"
#include "storage/tsdb/codec_float.h"
#include "storage/tsdb/codec_int.h"
#include "storage/tsdb/codec_string.h"
#include "storage/tsdb/column_codec.h"
#include "storage/tsdb/crc32c.h"

namespace mystocks::tsdb {
namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

std::vector<int64_t> random_walk(uint64_t seed, size_t count, int64_t start, int64_t step) {
  std::mt19937_64 random(seed);
  std::vector<int64_t> values(count);
  int64_t value = start;
  for (int64_t& out : values) {
    value += (static_cast<int64_t>(random() % 5) - 2) * step;
    out = value;
  }
  return values;
}

std::vector<int64_t> random_bits(uint64_t seed, size_t count) {
  std::mt19937_64 random(seed);
  std::vector<int64_t> values(count);
  for (int64_t& value : values) value = static_cast<int64_t>(random());
  return values;
}

std::vector<int64_t> snapshot_times(size_t count) {
  std::vector<int64_t> values(count);
  for (size_t index = 0; index < count; ++index) {
    values[index] = 1'704'159'000'000 + static_cast<int64_t>(index) * 3000 + (index % 7 == 0 ? 1 : 0);
  }
  return values;
}

struct IntCase {
  const char* name;
  std::vector<int64_t> values;
  bool time_like;
};

std::vector<IntCase> int_cases() {
  return {
      {"empty", {}, false},
      {"one value", {42}, false},
      {"one extreme", {kMin}, true},
      {"constant", std::vector<int64_t>(1000, -7), false},
      {"two extremes", {kMin, kMax}, false},
      {"alternating extremes", {kMax, kMin, kMax, kMin, 0, kMax, -1}, false},
      {"alternating extremes as time", {kMax, kMin, kMax, kMin, 0, kMax, -1}, true},
      {"price ticks", random_walk(1, 4800, 12'340, 10), false},
      {"lots of 100", random_walk(2, 4800, 1'000'000, 100), false},
      {"snapshot times", snapshot_times(4800), true},
      {"random 64-bit", random_bits(3, 2000), false},
      {"random 64-bit as time", random_bits(4, 2000), true},
      {"monotone", {1, 2, 3, 5, 8, 13, 21, 34, 55, 89}, false},
      {"negative", {-1, -100, -10000, -1000000}, false},
  };
}

TEST(IntCodecTest, EveryCaseRoundTrips) {
  for (const IntCase& c : int_cases()) {
    std::string encoded;
    encode_ints(c.values, c.time_like, encoded);
    ByteReader in(encoded);
    std::vector<int64_t> decoded(c.values.size());
    Status status = decode_ints(in, c.values.size(), decoded.data());
    ASSERT_TRUE(status.is_ok()) << c.name << ": " << status.to_string();
    EXPECT_EQ(decoded, c.values) << c.name;
    EXPECT_TRUE(in.at_end()) << c.name;
  }
}

TEST(IntCodecTest, PicksTheCodecThatFitsTheData) {
  std::string encoded;
  encode_ints(std::vector<int64_t>(10, 5), false, encoded);
  EXPECT_EQ(peek_int_codec(encoded), IntCodec::kConstant);
  encoded.clear();
  encode_ints(snapshot_times(100), true, encoded);
  EXPECT_EQ(peek_int_codec(encoded), IntCodec::kDeltaOfDelta);
  encoded.clear();
  encode_ints(random_walk(9, 1000, 100'000, 10), false, encoded);
  EXPECT_EQ(peek_int_codec(encoded), IntCodec::kDelta);
  EXPECT_LT(encoded.size(), 1100u);  // one byte per tick move after dividing by the GCD of 10
  encoded.clear();
  // Level volumes jump around without a trend: offsets from the minimum beat deltas.
  std::mt19937_64 random(10);
  std::vector<int64_t> level_volumes(1000);
  for (int64_t& volume : level_volumes) volume = 100 * static_cast<int64_t>(random() % 100);
  encode_ints(level_volumes, false, encoded);
  EXPECT_EQ(peek_int_codec(encoded), IntCodec::kFrameOfReference);
}

// Fuzz finding (tsdb_segment): a delta-of-delta block announcing zero values once wrote its
// first value through the null data pointer of an empty column.
TEST(IntCodecTest, ANonEmptyCodecWithNoValuesIsRefused) {
  for (const IntCodec codec : {IntCodec::kConstant, IntCodec::kDeltaOfDelta, IntCodec::kDelta,
                               IntCodec::kFrameOfReference}) {
    const std::string bytes = {static_cast<char>(codec), '\x00', '\x02', '\x00'};
    ByteReader in(bytes);
    EXPECT_FALSE(decode_ints(in, 0, nullptr).is_ok()) << static_cast<int>(codec);
  }
}

TEST(IntCodecTest, WrongCountIsDataLoss) {
  std::string encoded;
  encode_ints(std::vector<int64_t>{1, 2, 3}, false, encoded);
  ByteReader in(encoded);
  std::vector<int64_t> decoded(4);
  Status status = decode_ints(in, 4, decoded.data());
  EXPECT_EQ(status.code(), ErrorCode::kDataLoss);
}

struct DoubleCase {
  const char* name;
  std::vector<double> values;
  FloatCodec expected;
};

std::vector<DoubleCase> double_cases() {
  std::mt19937_64 random(5);
  std::normal_distribution<double> normal(0, 1);
  std::vector<double> noise(3000);
  for (double& value : noise) value = normal(random);
  std::vector<double> percentages(3000);
  for (size_t index = 0; index < percentages.size(); ++index) {
    percentages[index] = static_cast<double>(static_cast<int64_t>(random() % 2001) - 1000) / 100.0;
  }
  std::vector<double> bit_patterns(500);
  for (double& value : bit_patterns) value = std::bit_cast<double>(random());
  return {
      {"empty", {}, FloatCodec::kEmpty},
      {"one value", {3.25}, FloatCodec::kScaledDecimal},
      {"one NaN", {kNaN}, FloatCodec::kGorilla},
      {"specials", {kNaN, kInf, -kInf, -0.0, 0.0, 1e308, -1e-308, 5e-324}, FloatCodec::kGorilla},
      {"negative zero only", {-0.0, -0.0}, FloatCodec::kGorilla},
      {"constant", std::vector<double>(100, 1.5), FloatCodec::kScaledDecimal},
      {"percentages", percentages, FloatCodec::kScaledDecimal},
      {"gaussian noise", noise, FloatCodec::kGorilla},
      {"random bit patterns", bit_patterns, FloatCodec::kGorilla},
      {"too many places", {0.12345, 1.0}, FloatCodec::kGorilla},
      {"huge integers", {1e300, 2e300}, FloatCodec::kGorilla},
  };
}

TEST(FloatCodecTest, EveryCaseRoundTripsBitForBit) {
  for (const DoubleCase& c : double_cases()) {
    std::string encoded;
    encode_doubles(c.values, encoded);
    EXPECT_EQ(peek_float_codec(encoded), c.expected) << c.name;
    ByteReader in(encoded);
    std::vector<double> decoded(c.values.size());
    Status status = decode_doubles(in, c.values.size(), decoded.data());
    ASSERT_TRUE(status.is_ok()) << c.name << ": " << status.to_string();
    ASSERT_EQ(decoded.size(), c.values.size());
    for (size_t index = 0; index < decoded.size(); ++index) {
      EXPECT_EQ(std::bit_cast<uint64_t>(decoded[index]), std::bit_cast<uint64_t>(c.values[index]))
          << c.name << " value " << index;
    }
    EXPECT_TRUE(in.at_end()) << c.name;
  }
}

struct StringCase {
  const char* name;
  std::vector<std::string> values;
  StringCodec expected;
};

TEST(StringCodecTest, EveryCaseRoundTrips) {
  std::vector<std::string> distinct;
  for (int index = 0; index < 300; ++index) distinct.push_back("value-" + std::to_string(index));
  std::vector<std::string> repeated;
  for (int index = 0; index < 300; ++index) repeated.push_back(index % 3 ? "SH" : "SZ");
  const StringCase cases[] = {
      {"empty", {}, StringCodec::kEmpty},
      {"one empty string", {""}, StringCodec::kDictionary},
      {"repeated", repeated, StringCodec::kDictionary},
      {"distinct", distinct, StringCodec::kPlain},
      {"binary bytes", {std::string("a\0b", 3), std::string(1, '\xff'), std::string(1, '\xff')},
       StringCodec::kDictionary},
      {"long value", {std::string(1000, 'x'), "y"}, StringCodec::kPlain},
  };
  for (const StringCase& c : cases) {
    std::string encoded;
    encode_strings(c.values, encoded);
    EXPECT_EQ(peek_string_codec(encoded), c.expected) << c.name;
    ByteReader in(encoded);
    std::vector<std::string> decoded;
    Status status = decode_strings(in, c.values.size(), decoded);
    ASSERT_TRUE(status.is_ok()) << c.name << ": " << status.to_string();
    EXPECT_EQ(decoded, c.values) << c.name;
  }
}

TEST(BitmapCodecTest, RoundTripsEveryLength) {
  for (size_t length : {0, 1, 7, 8, 9, 64, 65, 1001}) {
    std::vector<uint8_t> flags(length);
    for (size_t index = 0; index < length; ++index) flags[index] = (index * 7 + length) % 3 == 0;
    std::string encoded;
    encode_bitmap(flags, encoded);
    EXPECT_EQ(encoded.size(), (length + 7) / 8);
    ByteReader in(encoded);
    std::vector<uint8_t> decoded(length);
    ASSERT_TRUE(decode_bitmap(in, length, decoded.data()).is_ok());
    EXPECT_EQ(decoded, flags) << length;
  }
}

TEST(ColumnCodecTest, NullsRoundTripThroughEveryType) {
  const std::vector<uint8_t> validity = {1, 0, 1, 1, 0, 0, 1};
  const std::vector<std::pair<ColumnType, ColumnValues>> cases = {
      {ColumnType::kBool, std::vector<uint8_t>{1, 0, 0, 1, 0, 0, 1}},
      {ColumnType::kInt32, std::vector<int32_t>{1, 0, -3, 4, 0, 0, 2147483647}},
      {ColumnType::kDate, std::vector<int32_t>{19000, 0, 19001, 19002, 0, 0, -5}},
      {ColumnType::kInt64, std::vector<int64_t>{kMin, 0, kMax, 4, 0, 0, 7}},
      {ColumnType::kDecimal, std::vector<int64_t>{12340, 0, 12350, 12340, 0, 0, 12330}},
      {ColumnType::kTimestamp, std::vector<int64_t>{1000, 0, 4000, 7000, 0, 0, 16000}},
      {ColumnType::kDouble, std::vector<double>{1.5, 0, kInf, 0.25, 0, 0, -2}},
      {ColumnType::kString, std::vector<std::string>{"a", "", "b", "a", "", "", "c"}},
  };
  for (const auto& [type, values] : cases) {
    for (bool with_nulls : {false, true}) {
      const Column column(values, with_nulls ? validity : std::vector<uint8_t>{});
      std::string encoded;
      encode_column(type, column, 0, column.size(), encoded);
      Column decoded;
      Status status = decode_column(type, encoded, column.size(), decoded);
      ASSERT_TRUE(status.is_ok()) << column_type_name(type) << ": " << status.to_string();
      EXPECT_EQ(decoded.values(), column.values()) << column_type_name(type);
      EXPECT_EQ(decoded.validity(), column.validity()) << column_type_name(type);
    }
  }
}

TEST(ColumnCodecTest, EncodesASubrange) {
  const Column column(std::vector<int64_t>{1, 2, 3, 4, 5});
  std::string encoded;
  encode_column(ColumnType::kInt64, column, 1, 4, encoded);
  Column decoded;
  ASSERT_TRUE(decode_column(ColumnType::kInt64, encoded, 3, decoded).is_ok());
  EXPECT_EQ(decoded.as<int64_t>(), (std::vector<int64_t>{2, 3, 4}));
  Status wrong_type = decode_column(ColumnType::kDouble, encoded, 3, decoded);
  EXPECT_EQ(wrong_type.code(), ErrorCode::kDataLoss);
}

TEST(BlockTest, RoundTripsThroughEveryCompression) {
  std::string payload;
  encode_ints(random_walk(7, 5000, 0, 10), false, payload);
  for (Compression kind : {Compression::kNone, Compression::kZstd, Compression::kLz4}) {
    std::string framed;
    const size_t size = append_block(payload, {kind, 3}, framed);
    EXPECT_EQ(size, framed.size());
    std::string decoded;
    Status status = read_block(framed, decoded);
    ASSERT_TRUE(status.is_ok()) << compression_name(kind) << ": " << status.to_string();
    EXPECT_EQ(decoded, payload);
  }
}

TEST(BlockTest, EveryFlippedByteIsDetected) {
  std::string payload;
  encode_ints(random_walk(8, 300, 0, 10), false, payload);
  std::string framed;
  append_block(payload, {Compression::kZstd, 3}, framed);
  for (size_t position = 0; position < framed.size(); ++position) {
    std::string corrupt = framed;
    corrupt[position] = static_cast<char>(corrupt[position] ^ 0x5A);
    std::string decoded;
    Status status = read_block(corrupt, decoded);
    EXPECT_EQ(status.code(), ErrorCode::kDataLoss) << "byte " << position;
  }
  std::string decoded;
  EXPECT_EQ(read_block(std::string_view(framed).substr(0, 10), decoded).code(),
            ErrorCode::kDataLoss);
}

TEST(DecoderRobustnessTest, GarbageNeverCrashes) {
  std::mt19937_64 random(11);
  for (int round = 0; round < 3000; ++round) {
    std::string garbage(random() % 64, '\0');
    for (char& byte : garbage) byte = static_cast<char>(random());
    // Start with a plausible codec byte half the time so decoders get past the first check.
    if (!garbage.empty() && round % 2 == 0) garbage[0] = static_cast<char>(random() % 5);
    const size_t count = random() % 40;
    std::vector<int64_t> ints(count);
    std::vector<double> doubles(count);
    std::vector<std::string> strings;
    std::vector<uint8_t> bits(count);
    ByteReader a(garbage), b(garbage), c(garbage), d(garbage);
    (void)decode_ints(a, count, ints.data());
    (void)decode_doubles(b, count, doubles.data());
    (void)decode_strings(c, count, strings);
    (void)decode_bitmap(d, count, bits.data());
    for (ColumnType type : {ColumnType::kInt64, ColumnType::kDouble, ColumnType::kString,
                            ColumnType::kBool, ColumnType::kInt32}) {
      Column column;
      (void)decode_column(type, garbage, count, column);
    }
  }
}

TEST(Crc32cTest, MatchesKnownVectorsOnBothPaths) {
  EXPECT_EQ(crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(crc32c(""), 0u);
  const std::string zeros(32, '\0');
  EXPECT_EQ(crc32c(zeros), 0x8A9136AAu);
  std::mt19937_64 random(3);
  std::string data(1000, '\0');
  for (char& byte : data) byte = static_cast<char>(random());
  for (size_t length : {0, 1, 7, 8, 9, 100, 1000}) {
    EXPECT_EQ(crc32c_extend(0, data.data(), length),
              detail::crc32c_extend_portable(0, data.data(), length))
        << length;
  }
  // Extending in pieces equals one pass.
  const uint32_t split = crc32c_extend(crc32c_extend(0, data.data(), 333), data.data() + 333, 667);
  EXPECT_EQ(split, crc32c(data));
}

}  // namespace
}  // namespace mystocks::tsdb
