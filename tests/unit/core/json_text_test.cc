// JSON text: prices print as plain decimals (never "1.85001E3"), the rest as Boost.JSON would.
#include "core/json_text.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "core/decimal.h"

namespace mystocks {
namespace {

namespace json = boost::json;

TEST(JsonTextTest, DoublesPrintAsPlainShortestDecimals) {
  const std::pair<double, const char*> cases[] = {
      {1850.01, "1850.01"}, {0.5, "0.5"},           {-3.25, "-3.25"},
      {2e9, "2000000000.0"},  {0.000125, "0.000125"}, {0.0, "0.0"},
      {1e21, "1e+21"},      {1e-7, "1e-07"},        {123456789012.34, "123456789012.34"}};
  for (const auto& [value, text] : cases) {
    EXPECT_EQ(to_json_text(json::value(value)), text) << value;
  }
  EXPECT_EQ(to_json_text(json::value(std::numeric_limits<double>::quiet_NaN())), "null");
}

TEST(JsonTextTest, DecimalsThroughDoubleKeepTheirDigits) {
  for (int64_t units : {185001LL, 1LL, 99999999999LL, -1234LL, 100LL}) {
    for (int scale : {2, 3}) {
      std::string exact;
      append_decimal_text(exact, units, scale);
      if (exact.find('.') == std::string::npos) exact += ".0";
      EXPECT_EQ(to_json_text(json::value(Decimal(units, scale).to_double())), exact)
          << units << "/" << scale;
    }
  }
  std::string text;
  append_decimal_text(text, -50, 2);
  EXPECT_EQ(text, "-0.5");
  text.clear();
  append_decimal_text(text, 123000, 3);
  EXPECT_EQ(text, "123");
}

TEST(JsonTextTest, EverythingElseMatchesBoostJson) {
  const json::value value = json::parse(
      R"({"a":[1,-2,true,false,null,"x\"y\\z\n\u0001é"],"b":{"c":18446744073709551615},"d":""})");
  EXPECT_EQ(to_json_text(value), json::serialize(value));
  EXPECT_EQ(json::parse(to_json_text(value)), value);
}

}  // namespace
}  // namespace mystocks
