#include "core/decimal.h"

#include <limits>

#include <gtest/gtest.h>

namespace mystocks {
namespace {

TEST(DecimalTest, ParsesExactlyAtScale) {
  EXPECT_EQ(Decimal::parse("12.34", 2)->units(), 1234);
  EXPECT_EQ(Decimal::parse("-0.5", 2)->units(), -50);
  EXPECT_EQ(Decimal::parse("7", 2)->units(), 700);
  EXPECT_EQ(Decimal::parse(".5", 1)->units(), 5);
  EXPECT_EQ(Decimal::parse("12.500", 2)->units(), 1250);  // trailing zeros carry no value
  EXPECT_EQ(Decimal::parse("+3.1", 1)->units(), 31);
}

TEST(DecimalTest, ShortAndLongNumbersAgreeWithTheirValue) {
  // Short numbers take the one-pass path, long ones the checked path; both must give the value.
  EXPECT_EQ(Decimal::parse("5.", 2)->units(), 500);
  EXPECT_EQ(Decimal::parse("000123.4", 3)->units(), 123400);
  EXPECT_EQ(Decimal::parse("123456789012345.678", 3)->units(), 123456789012345678);
  EXPECT_EQ(Decimal::parse("1234567890123456.78", 2)->units(), 123456789012345678);
  EXPECT_EQ(Decimal::parse("9223372036854775807", 0)->units(), std::numeric_limits<int64_t>::max());
  uint64_t state = 42;
  auto next = [&] { return state = state * 6364136223846793005ULL + 1442695040888963407ULL; };
  for (int round = 0; round < 20000; ++round) {
    const int scale = static_cast<int>(next() >> 61);                   // 0..7
    const int fraction = scale == 0 ? 0 : static_cast<int>((next() >> 40) % (scale + 1));
    const int64_t units = static_cast<int64_t>((next() >> 20) % 100000000000LL);  // < 1e11
    int64_t pow = 1;
    for (int i = 0; i < fraction; ++i) pow *= 10;
    std::string text = std::to_string(units / pow);
    if (fraction > 0) {
      std::string digits = std::to_string(units % pow);
      text += "." + std::string(static_cast<size_t>(fraction) - digits.size(), '0') + digits;
    }
    const bool negative = (next() >> 63) != 0;
    Result<Decimal> parsed = Decimal::parse((negative ? "-" : "") + text, scale);
    ASSERT_TRUE(parsed.is_ok()) << text << " at scale " << scale;
    int64_t expected = units;
    for (int i = fraction; i < scale; ++i) expected *= 10;
    ASSERT_EQ(parsed->units(), negative ? -expected : expected) << text << " at scale " << scale;
  }
}

TEST(DecimalTest, RejectsLossyOrMalformedInput) {
  Result<Decimal> lossy = Decimal::parse("10.005", 2, "price");
  ASSERT_FALSE(lossy.is_ok());
  EXPECT_EQ(lossy.status().field(), "price");
  EXPECT_NE(lossy.status().message().find("more than 2 decimal places"), std::string::npos);
  EXPECT_FALSE(Decimal::parse("", 2).is_ok());
  EXPECT_FALSE(Decimal::parse("-", 2).is_ok());
  EXPECT_FALSE(Decimal::parse(".", 2).is_ok());
  EXPECT_FALSE(Decimal::parse("1e5", 2).is_ok());
  EXPECT_FALSE(Decimal::parse("1.2.3", 2).is_ok());
  EXPECT_FALSE(Decimal::parse("12a", 2).is_ok());
  EXPECT_FALSE(Decimal::parse("-.", 2).is_ok());
  EXPECT_FALSE(Decimal::parse("1,5", 2).is_ok());
  EXPECT_FALSE(Decimal::parse("99999999999999999999", 0).is_ok());
  EXPECT_FALSE(Decimal::parse("92233720368547758.08", 2).is_ok());
  EXPECT_EQ(Decimal::parse("92233720368547758.07", 2)->units(), std::numeric_limits<int64_t>::max());
}

TEST(DecimalTest, FormatsWithFixedScale) {
  EXPECT_EQ(Decimal(123450, 2).to_string(), "1234.50");
  EXPECT_EQ(Decimal(-5, 2).to_string(), "-0.05");
  EXPECT_EQ(Decimal(42, 0).to_string(), "42");
  EXPECT_EQ(Decimal(std::numeric_limits<int64_t>::min(), 0).to_string(), "-9223372036854775808");
}

TEST(DecimalTest, RoundsHalfAwayFromZero) {
  EXPECT_EQ(Decimal(1235, 3).rescale(2)->units(), 124);
  EXPECT_EQ(Decimal(-1235, 3).rescale(2)->units(), -124);
  EXPECT_EQ(Decimal(1234, 3).rescale(2)->units(), 123);
  EXPECT_EQ(Decimal::from_double(10.005, 2)->units(), 1001);
  EXPECT_EQ(Decimal::from_double(1850.01, 2)->units(), 185001);
  EXPECT_FALSE(Decimal::from_double(std::numeric_limits<double>::quiet_NaN(), 2).is_ok());
  EXPECT_FALSE(Decimal::from_double(1e30, 2).is_ok());
  EXPECT_FALSE(Decimal(std::numeric_limits<int64_t>::max(), 0).rescale(1).is_ok());
}

TEST(DecimalTest, ArithmeticAndComparisonAcrossScales) {
  EXPECT_EQ(Decimal(150, 2), Decimal(15, 1));
  EXPECT_LT(Decimal(149, 2), Decimal(15, 1));
  EXPECT_EQ(Decimal(150, 2).add(Decimal(5, 1))->to_string(), "2.00");
  EXPECT_EQ(Decimal(150, 2).subtract(Decimal(2, 0))->to_string(), "-0.50");
  EXPECT_FALSE(Decimal(std::numeric_limits<int64_t>::max(), 0).add(Decimal(1, 0)).is_ok());
}

}  // namespace
}  // namespace mystocks
