// The measured lookback agrees with the formulas: TA-Lib's published lookbacks for a few
// indicators, and for every indicator, parameter default and convention, a random walk (not the
// probe series) is fully defined from bar `lookback` on and not yet at bar `lookback - 1`.
#include "indicators/lookback.h"

#include <cmath>

#include <gtest/gtest.h>

#include "unit/indicators/random_series.h"

namespace mystocks::indicators {
namespace {

int64_t lookback_of(std::string_view name, const ParamMap& params, Convention convention) {
  const IndicatorSpec* spec = find_indicator(name);
  EXPECT_NE(spec, nullptr) << name;
  Result<int64_t> bars = lookback_bars(*spec, params, convention, 1000);
  EXPECT_TRUE(bars.is_ok()) << bars.status().to_string();
  return bars.is_ok() ? *bars : -1;
}

TEST(LookbackTest, MatchesTaLibsPublishedLookbacks) {
  EXPECT_EQ(lookback_of("ma", {{"n", 5}}, Convention::kTaLib), 4);
  EXPECT_EQ(lookback_of("ema", {{"n", 10}}, Convention::kTaLib), 9);
  EXPECT_EQ(lookback_of("rsi", {{"n", 14}}, Convention::kTaLib), 14);
  EXPECT_EQ(lookback_of("macd", {}, Convention::kTaLib), 33);
  EXPECT_EQ(lookback_of("atr", {{"n", 14}}, Convention::kTaLib), 14);
  EXPECT_EQ(lookback_of("ema", {{"n", 10}}, Convention::kChinaBroker), 0)
      << "broker EMAs are seeded with the first input";
}

TEST(LookbackTest, IsCappedAndReportsParameterErrors) {
  EXPECT_EQ(lookback_of("ma", {{"n", 5000}}, Convention::kTaLib), 1000);
  const IndicatorSpec* ma = find_indicator("ma");
  Result<int64_t> bad = lookback_bars(*ma, {{"n", 0}}, Convention::kTaLib, 1000);
  ASSERT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.status().field(), "n");
}

TEST(LookbackTest, EveryIndicatorIsDefinedFromItsLookbackOnARandomWalk) {
  const testing::OwnedSeries walk = testing::random_series(600, 11);
  for (const IndicatorSpec& spec : all_indicators()) {
    for (Convention convention : {Convention::kTaLib, Convention::kChinaBroker}) {
      const int64_t lookback = lookback_of(spec.name, {}, convention);
      ASSERT_GE(lookback, 0) << spec.name;
      ASSERT_LT(lookback, 500) << spec.name;
      Result<IndicatorOutput> output = compute_indicator(spec.name, walk.columns(), {}, convention);
      ASSERT_TRUE(output.is_ok()) << spec.name;
      auto defined = [&](size_t bar) {
        for (const std::vector<double>& column : output->columns) {
          if (!std::isfinite(column[bar])) return false;
        }
        return true;
      };
      EXPECT_TRUE(defined(static_cast<size_t>(lookback))) << spec.name << " at its lookback";
      if (lookback > 0) {
        EXPECT_FALSE(defined(static_cast<size_t>(lookback - 1)))
            << spec.name << " is defined before its lookback";
      }
    }
  }
}

}  // namespace
}  // namespace mystocks::indicators
