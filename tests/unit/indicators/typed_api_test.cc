// The typed batch functions (what C++ callers use directly) give exactly the registry's results,
// which the golden and property tests check; so both paths share those guarantees.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "indicators/dmi.h"
#include "indicators/ma_systems.h"
#include "indicators/macd.h"
#include "indicators/momentum.h"
#include "indicators/registry.h"
#include "indicators/rsi.h"
#include "indicators/sar.h"
#include "indicators/stochastic.h"
#include "indicators/volatility.h"
#include "indicators/volume.h"
#include "random_series.h"

namespace mystocks::indicators::testing {
namespace {

template <typename T>
OutputColumns columns(Result<T> result) {
  EXPECT_TRUE(result.is_ok()) << result.status().to_string();
  if (!result.is_ok()) return {};
  T value = std::move(result).value();
  if constexpr (std::is_same_v<T, std::vector<double>>) {
    return {value};
  } else if constexpr (std::is_same_v<T, MacdColumns>) {
    return {value.dif, value.dea, value.hist};
  } else if constexpr (std::is_same_v<T, StochColumns>) {
    return {value.k, value.d};
  } else if constexpr (std::is_same_v<T, KdjColumns>) {
    return {value.k, value.d, value.j};
  } else if constexpr (std::is_same_v<T, BollColumns>) {
    return {value.mid, value.upper, value.lower};
  } else if constexpr (std::is_same_v<T, DmiColumns>) {
    return {value.pdi, value.mdi, value.adx, value.adxr};
  } else if constexpr (std::is_same_v<T, LineColumns>) {
    return {value.value, value.average};
  } else {
    return {value.first, value.second};
  }
}

bool identical(const OutputColumns& a, const OutputColumns& b) {
  if (a.size() != b.size()) return false;
  for (size_t out_idx = 0; out_idx < a.size(); ++out_idx) {
    if (a[out_idx].size() != b[out_idx].size()) return false;
    for (size_t bar_idx = 0; bar_idx < a[out_idx].size(); ++bar_idx) {
      const double x = a[out_idx][bar_idx];
      const double y = b[out_idx][bar_idx];
      if (!((std::isnan(x) && std::isnan(y)) || x == y)) return false;
    }
  }
  return true;
}

TEST(TypedApi, BatchFunctionsEqualRegistryWithDefaults) {
  const OwnedSeries s = random_series(500, 77);
  const OhlcvColumns bars = s.columns();
  using Typed = std::function<OutputColumns(Convention)>;
  const std::vector<std::pair<const char*, Typed>> typed = {
      {"ma", [&](Convention) { return columns(sma(s.close, 5)); }},
      {"ema", [&](Convention c) { return columns(ema(s.close, 12, c)); }},
      {"wma", [&](Convention) { return columns(wma(s.close, 10)); }},
      {"macd", [&](Convention c) { return columns(macd(s.close, {}, c)); }},
      {"rsi", [&](Convention c) { return columns(rsi(s.close, 14, c)); }},
      {"kdj", [&](Convention c) { return columns(kdj(bars, {}, c)); }},
      {"stoch", [&](Convention c) { return columns(stoch(bars, {}, c)); }},
      {"boll", [&](Convention c) { return columns(boll(s.close, {}, c)); }},
      {"atr", [&](Convention c) { return columns(atr(bars, 14, c)); }},
      {"obv", [&](Convention c) { return columns(obv(bars, c)); }},
      {"cci", [&](Convention) { return columns(cci(bars, 14)); }},
      {"wr", [&](Convention c) { return columns(wr(bars, 14, c)); }},
      {"dmi", [&](Convention c) { return columns(dmi(bars, {}, c)); }},
      {"roc", [&](Convention) { return columns(roc(s.close, {})); }},
      {"mfi", [&](Convention) { return columns(mfi(bars, 14)); }},
      {"bias", [&](Convention) { return columns(bias(s.close, 6)); }},
      {"psy", [&](Convention) { return columns(psy(s.close, {})); }},
      {"vwap", [&](Convention) { return columns(vwap(bars, 0)); }},
      {"sar", [&](Convention) { return columns(sar(bars, {})); }},
      {"trix", [&](Convention c) { return columns(trix(s.close, {}, c)); }},
      {"dma", [&](Convention) { return columns(dma(s.close, {})); }},
      {"expma", [&](Convention c) { return columns(expma(s.close, {}, c)); }},
      {"vol_ma", [&](Convention) { return columns(vol_ma(s.volume, {})); }},
  };
  EXPECT_EQ(typed.size(), all_indicators().size()) << "an indicator has no typed check";
  for (const auto& [name, run] : typed) {
    for (Convention convention : {Convention::kTaLib, Convention::kChinaBroker}) {
      auto registry = compute_indicator(name, bars, {}, convention);
      ASSERT_TRUE(registry.is_ok()) << name;
      EXPECT_TRUE(identical(run(convention), registry->columns))
          << name << " " << convention_name(convention);
    }
  }
}

TEST(TypedApi, ComputeIntoChecksTheOutputShape) {
  const OwnedSeries s = random_series(10, 1);
  std::vector<double> one(10), short_column(9);
  std::vector<std::span<double>> too_few = {one};
  Status status = compute_indicator_into("macd", s.columns(), {}, Convention::kTaLib, too_few);
  EXPECT_EQ(status.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(status.message().find("3 output columns but 1"), std::string::npos);
  std::vector<std::span<double>> wrong_length = {short_column};
  status = compute_indicator_into("ma", s.columns(), {}, Convention::kTaLib, wrong_length);
  EXPECT_NE(status.message().find("room for 9 values but the input has 10"), std::string::npos)
      << status.message();
}

}  // namespace
}  // namespace mystocks::indicators::testing
