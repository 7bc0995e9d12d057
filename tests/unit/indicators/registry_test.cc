// The registry as data (names, parameters, outputs) and its errors: every invalid request is a
// kInvalidArgument naming the field, the value and what would be accepted.
#include "indicators/registry.h"

#include <gtest/gtest.h>

#include <cctype>
#include <set>

#include "indicators/macd.h"
#include "indicators/moving_average.h"
#include "indicators/params.h"
#include "random_series.h"

namespace mystocks::indicators::testing {
namespace {

bool is_snake_case(std::string_view name) {
  if (name.empty() || !std::islower(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name) {
    if (!std::islower(static_cast<unsigned char>(c)) &&
        !std::isdigit(static_cast<unsigned char>(c)) && c != '_') {
      return false;
    }
  }
  return true;
}

TEST(Registry, ListsEveryIndicatorOfTheIssue) {
  for (const char* name : {"ma",  "sma",  "ema", "wma",  "macd",  "rsi", "kdj",   "boll",
                           "atr", "obv",  "cci", "wr",   "dmi",   "roc", "mfi",   "bias",
                           "psy", "vwap", "sar", "trix", "stoch", "dma", "expma", "vol_ma"}) {
    EXPECT_NE(find_indicator(name), nullptr) << name;
  }
  EXPECT_EQ(find_indicator("sma"), find_indicator("ma"));
  EXPECT_EQ(find_indicator("nope"), nullptr);
}

TEST(Registry, SpecsAreWellFormedData) {
  std::set<std::string_view> names;
  for (const IndicatorSpec& spec : all_indicators()) {
    SCOPED_TRACE(spec.name);
    EXPECT_TRUE(is_snake_case(spec.name));
    EXPECT_TRUE(names.insert(spec.name).second) << "duplicate name";
    EXPECT_FALSE(spec.title.empty());
    EXPECT_FALSE(spec.description.empty());
    EXPECT_NE(spec.inputs, 0);
    EXPECT_FALSE(spec.outputs.empty());
    std::set<std::string_view> outputs(spec.outputs.begin(), spec.outputs.end());
    EXPECT_EQ(outputs.size(), spec.outputs.size()) << "duplicate output";
    for (std::string_view output : spec.outputs) EXPECT_TRUE(is_snake_case(output)) << output;
    std::set<std::string_view> params;
    for (const ParamSpec& param : spec.params) {
      EXPECT_TRUE(is_snake_case(param.name)) << param.name;
      EXPECT_TRUE(params.insert(param.name).second) << "duplicate parameter " << param.name;
      EXPECT_LE(param.min_value, param.default_value) << param.name;
      EXPECT_LE(param.default_value, param.max_value) << param.name;
      EXPECT_FALSE(param.description.empty()) << param.name;
    }
    EXPECT_TRUE(spec.compute != nullptr && spec.make_stream != nullptr);
  }
}

TEST(Registry, ConventionInsensitiveIndicatorsAgreeAcrossConventions) {
  const OwnedSeries series = random_series(300, 42);
  for (const IndicatorSpec& spec : all_indicators()) {
    auto ta = compute_indicator(spec.name, series.columns(), {}, Convention::kTaLib);
    auto china = compute_indicator(spec.name, series.columns(), {}, Convention::kChinaBroker);
    ASSERT_TRUE(ta.is_ok() && china.is_ok()) << spec.name;
    bool differ = false;
    for (size_t out_idx = 0; out_idx < ta->columns.size(); ++out_idx) {
      for (size_t bar_idx = 0; bar_idx < series.size(); ++bar_idx) {
        const double a = ta->columns[out_idx][bar_idx];
        const double b = china->columns[out_idx][bar_idx];
        differ = differ || !((std::isnan(a) && std::isnan(b)) || a == b);
      }
    }
    EXPECT_EQ(differ, spec.convention_sensitive) << spec.name;
  }
}

TEST(Registry, UnknownIndicatorNamesTheAcceptedOnes) {
  auto result = compute_indicator("macdx", {}, {}, Convention::kTaLib);
  ASSERT_FALSE(result.is_ok());
  EXPECT_EQ(result.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(result.status().field(), "indicator");
  EXPECT_NE(result.status().message().find("'macdx'"), std::string::npos);
  EXPECT_NE(result.status().message().find("macd, rsi"), std::string::npos);
}

TEST(Registry, UnknownParameterNamesTheAcceptedOnes) {
  auto result = make_stream("macd", {{"fastest", 3}}, Convention::kTaLib);
  ASSERT_FALSE(result.is_ok());
  EXPECT_EQ(result.status().field(), "fastest");
  EXPECT_NE(result.status().message().find("fast, slow, signal"), std::string::npos)
      << result.status().message();
}

TEST(Registry, EveryParameterRejectsValuesOutsideItsRange) {
  for (const IndicatorSpec& spec : all_indicators()) {
    for (const ParamSpec& param : spec.params) {
      const bool integral = param.type == ParamType::kInteger;
      for (double bad : {param.min_value - (integral ? 1.0 : 0.0005), param.max_value + 1.0,
                         integral ? param.default_value + 0.5 : kNaN}) {
        auto result =
            compute_indicator(spec.name, {}, {{std::string(param.name), bad}}, Convention::kTaLib);
        ASSERT_FALSE(result.is_ok()) << spec.name << "." << param.name << "=" << bad;
        EXPECT_EQ(result.status().code(), ErrorCode::kInvalidArgument);
        EXPECT_EQ(result.status().field(), param.name);
        EXPECT_NE(result.status().message().find(
                      fmt::format("from {} to {}", param.min_value, param.max_value)),
                  std::string::npos)
            << result.status().message();
      }
    }
  }
}

TEST(Registry, CrossParameterRulesAreReported) {
  auto result = compute_indicator("macd", {}, {{"fast", 30}, {"slow", 26}}, Convention::kTaLib);
  ASSERT_FALSE(result.is_ok());
  EXPECT_EQ(result.status().field(), "fast");
  EXPECT_NE(result.status().message().find("less than 'slow' (26)"), std::string::npos)
      << result.status().message();
}

TEST(Registry, MismatchedColumnsNameTheColumn) {
  const std::vector<double> three = {1, 2, 3};
  const std::vector<double> two = {1, 2};
  OhlcvColumns bars;
  bars.high = three;
  bars.low = two;
  bars.close = three;
  auto result = compute_indicator("kdj", bars, {}, Convention::kChinaBroker);
  ASSERT_FALSE(result.is_ok());
  EXPECT_EQ(result.status().field(), "low");
  EXPECT_NE(result.status().message().find("column 'low' has 2 values but column 'high' has 3"),
            std::string::npos)
      << result.status().message();
  // A required column that is missing altogether is a mismatch too.
  bars.low = {};
  EXPECT_FALSE(compute_indicator("kdj", bars, {}, Convention::kChinaBroker).is_ok());
}

TEST(Registry, OutputsFollowSpecOrderAndInputLength) {
  const OwnedSeries series = random_series(64, 9);
  auto result = compute_indicator("macd", series.columns(), {}, Convention::kChinaBroker);
  ASSERT_TRUE(result.is_ok());
  ASSERT_EQ(result->columns.size(), 3u);
  auto typed = macd(series.close, MacdParams{}, Convention::kChinaBroker);
  ASSERT_TRUE(typed.is_ok());
  EXPECT_EQ(result->columns[0], typed->dif);
  EXPECT_EQ(result->columns[2], typed->hist);
}

TEST(Conventions, ParseAndName) {
  EXPECT_EQ(*parse_convention("ta_lib"), Convention::kTaLib);
  EXPECT_EQ(*parse_convention("china_broker"), Convention::kChinaBroker);
  EXPECT_EQ(convention_name(Convention::kChinaBroker), "china_broker");
  auto bad = parse_convention("tdx");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.status().field(), "convention");
  EXPECT_NE(bad.status().message().find("'ta_lib' or 'china_broker'"), std::string::npos);
}

TEST(TypedApi, InvalidPeriodsAreErrorsNotCrashes) {
  const std::vector<double> close = {1, 2, 3};
  EXPECT_EQ(sma(close, 0).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ema(close, -3, Convention::kTaLib).status().field(), "n");
  EXPECT_FALSE(wma(close, kMaxPeriod + 1).is_ok());
  auto nm = sma_nm(close, 3, 4);
  ASSERT_FALSE(nm.is_ok());
  EXPECT_EQ(nm.status().field(), "m");
  EXPECT_FALSE(MacdState::create({26, 12, 9}, Convention::kTaLib).is_ok());
}

}  // namespace
}  // namespace mystocks::indicators::testing
