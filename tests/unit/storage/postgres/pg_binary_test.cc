// Binary encodings against the bytes PostgreSQL itself produces (numeric_send, date_send,
// timestamptz_send), and round trips over every decimal scale.
#include "storage/postgres/pg_binary.h"

#include <limits>
#include <random>

#include <gtest/gtest.h>

#include "core/decimal.h"
#include "storage/postgres/pg_connection.h"

namespace mystocks::storage::pg {
namespace {

std::string hex(const std::string& bytes) {
  std::string out;
  for (unsigned char c : bytes) out += fmt::format("{:02x}", c);
  return out;
}

std::string numeric(int64_t units, int scale) {
  std::string out;
  append_numeric(out, units, scale);
  return hex(out);
}

TEST(PgBinaryTest, NumericMatchesPostgresNumericSend) {
  // ndigits, weight, sign, dscale, then base-10000 digits (what `SELECT numeric_send(x)` shows).
  EXPECT_EQ(numeric(1850000, 3), "0001000000000003073a");            // 1850.000
  EXPECT_EQ(numeric(-5, 1), "0001ffff400000011388");                 // -0.5
  EXPECT_EQ(numeric(123456789, 4), "0003000100000004000109291a85");  // 12345.6789
  EXPECT_EQ(numeric(100000000, 0),
            "0001000200000000"
            "0001");                                       // 100000000 = 1 * 10000^2
  EXPECT_EQ(numeric(0, 2), "0000000000000002");            // zero keeps its scale
  EXPECT_EQ(numeric(1, 8), "0001fffe000000080001");        // 0.00000001
  EXPECT_EQ(numeric(123, 6), "0002ffff00000006000108fc");  // 0.0001|2300
}

TEST(PgBinaryTest, NumericRoundTripsEveryScaleAndExtreme) {
  std::mt19937_64 random(42);
  for (int scale = 0; scale <= Decimal::kMaxScale; ++scale) {
    std::vector<int64_t> values = {0,
                                   1,
                                   -1,
                                   9999,
                                   10000,
                                   -10001,
                                   std::numeric_limits<int64_t>::max(),
                                   std::numeric_limits<int64_t>::min()};
    for (int index = 0; index < 200; ++index) {
      values.push_back(static_cast<int64_t>(random()) >> (random() % 63));
    }
    for (int64_t units : values) {
      std::string bytes;
      append_numeric(bytes, units, scale);
      Result<int64_t> decoded = decode_numeric(bytes, scale);
      ASSERT_TRUE(decoded.is_ok())
          << units << " at scale " << scale << ": " << decoded.status().to_string();
      ASSERT_EQ(*decoded, units) << "scale " << scale;
    }
  }
}

TEST(PgBinaryTest, NumericTheColumnCannotHoldIsDataLoss) {
  std::string more_decimals;
  append_numeric(more_decimals, 12345, 4);  // 1.2345 read back at scale 2
  EXPECT_EQ(decode_numeric(more_decimals, 2).status().code(), ErrorCode::kDataLoss);
  std::string same_value;
  append_numeric(same_value, 12300, 4);  // 1.2300 is exactly 1.23
  EXPECT_EQ(*decode_numeric(same_value, 2), 123);
  std::string big;
  append_numeric(big, std::numeric_limits<int64_t>::max(), 0);
  EXPECT_EQ(decode_numeric(big, 1).status().code(), ErrorCode::kDataLoss);  // * 10 overflows
  const std::string nan("\x00\x00\x00\x00\xc0\x00\x00\x00", 8);
  EXPECT_EQ(decode_numeric(nan, 2).status().code(), ErrorCode::kDataLoss);
  EXPECT_EQ(decode_numeric(std::string("\x00\x01", 2), 2).status().code(), ErrorCode::kDataLoss);
}

TEST(PgBinaryTest, DatesAndTimestampsUsePostgresEpoch) {
  Column dates(std::vector<int32_t>{10957, 0, -719162});
  std::string out;
  append_cell(out, dates, ColumnType::kDate, 0, 0);
  EXPECT_EQ(hex(out), "00000000");  // 2000-01-01
  out.clear();
  append_cell(out, dates, ColumnType::kDate, 0, 1);
  EXPECT_EQ(hex(out), "ffffd533");  // 1970-01-01 = -10957
  Column times(std::vector<int64_t>{946684800000, 946684800001});
  out.clear();
  append_cell(out, times, ColumnType::kTimestamp, 0, 1);
  EXPECT_EQ(hex(out), "00000000000003e8");  // one millisecond after 2000-01-01 = 1000 µs

  for (ColumnType type : {ColumnType::kDate, ColumnType::kTimestamp}) {
    const Column& source = type == ColumnType::kDate ? dates : times;
    Column decoded(empty_values_for(type));
    for (size_t row = 0; row < source.size(); ++row) {
      std::string bytes;
      append_cell(bytes, source, type, 0, row);
      ASSERT_TRUE(decode_cell(bytes, type, 0, decoded).is_ok());
    }
    EXPECT_EQ(decoded.values(), source.values());
  }
}

TEST(PgBinaryTest, ScalarsRoundTripAndWrongSizesAreRefused) {
  const std::vector<std::pair<ColumnType, ColumnValues>> cases = {
      {ColumnType::kBool, std::vector<uint8_t>{1, 0}},
      {ColumnType::kInt32, std::vector<int32_t>{-2147483647 - 1, 7}},
      {ColumnType::kInt64, std::vector<int64_t>{std::numeric_limits<int64_t>::min(), 42}},
      {ColumnType::kDouble, std::vector<double>{-0.0, 5e-324}},
      {ColumnType::kString, std::vector<std::string>{"", "贵州茅台 'q' \"dq\""}},
  };
  for (const auto& [type, values] : cases) {
    const Column source(values);
    Column decoded(empty_values_for(type));
    for (size_t row = 0; row < source.size(); ++row) {
      std::string bytes;
      append_cell(bytes, source, type, 0, row);
      ASSERT_TRUE(decode_cell(bytes, type, 0, decoded).is_ok());
    }
    EXPECT_EQ(decoded.values(), source.values()) << column_type_name(type);
  }
  Column column(empty_values_for(ColumnType::kInt64));
  EXPECT_EQ(decode_cell("abc", ColumnType::kInt64, 0, column).code(), ErrorCode::kDataLoss);
  EXPECT_EQ(type_oid(ColumnType::kDecimal), 1700u);
  EXPECT_EQ(type_oid(ColumnType::kTimestamp), 1184u);
}

TEST(PgBinaryTest, SqlStatesMapToRetryMeaning) {
  EXPECT_EQ(error_code_for_sqlstate("08006"), ErrorCode::kUnavailable);
  EXPECT_EQ(error_code_for_sqlstate("57P01"), ErrorCode::kUnavailable);
  EXPECT_EQ(error_code_for_sqlstate("40001"), ErrorCode::kAborted);
  EXPECT_EQ(error_code_for_sqlstate("57014"), ErrorCode::kDeadlineExceeded);
  EXPECT_EQ(error_code_for_sqlstate("23505"), ErrorCode::kAlreadyExists);
  EXPECT_EQ(error_code_for_sqlstate("25006"), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(error_code_for_sqlstate("53300"), ErrorCode::kResourceExhausted);
  EXPECT_EQ(error_code_for_sqlstate("22003"), ErrorCode::kOutOfRange);
  EXPECT_EQ(error_code_for_sqlstate("XX000"), ErrorCode::kInternal);
}

}  // namespace
}  // namespace mystocks::storage::pg
