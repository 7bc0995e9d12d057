// Properties every registered indicator must have, checked on random series for both
// conventions: the incremental form gives exactly the batch results; a missing bar (NaN) is
// skipped, so the other outputs equal those of the series without it; outputs are NaN or finite;
// and the first defined bar of each output matches the warm-up documented in docs/indicators.md.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "indicators/registry.h"
#include "random_series.h"

namespace mystocks::indicators::testing {
namespace {

constexpr Convention kConventions[] = {Convention::kTaLib, Convention::kChinaBroker};

bool same_value(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

// Random valid parameters: integers from min to a small bound so warm-ups fit in the series.
ParamMap random_params(const IndicatorSpec& spec, std::mt19937_64& rng) {
  ParamMap params;
  for (const ParamSpec& param : spec.params) {
    if (param.type == ParamType::kInteger) {
      std::uniform_int_distribution<int> pick(static_cast<int>(param.min_value), 30);
      params[std::string(param.name)] = pick(rng);
    } else {
      std::uniform_real_distribution<double> pick(param.min_value, std::min(param.max_value, 0.5));
      params[std::string(param.name)] = pick(rng);
    }
  }
  // Cross-field rules: MACD needs fast < slow.
  if (spec.name == "macd" && params["fast"] >= params["slow"]) params["slow"] = params["fast"] + 1;
  return params;
}

OutputColumns run_stream(IndicatorStream& stream, const OwnedSeries& series, size_t outputs) {
  OutputColumns columns(outputs, std::vector<double>(series.size()));
  std::vector<double> point(outputs);
  for (size_t bar_idx = 0; bar_idx < series.size(); ++bar_idx) {
    stream.update(series.bar(bar_idx), point);
    for (size_t out_idx = 0; out_idx < outputs; ++out_idx)
      columns[out_idx][bar_idx] = point[out_idx];
  }
  return columns;
}

class EveryIndicator : public ::testing::TestWithParam<const IndicatorSpec*> {};

TEST_P(EveryIndicator, IncrementalEqualsBatchOnRandomSeries) {
  const IndicatorSpec& spec = *GetParam();
  std::mt19937_64 rng(7);
  for (unsigned seed = 1; seed <= 6; ++seed) {
    const OwnedSeries series = random_series(400, seed);
    const ParamMap params = seed == 1 ? ParamMap{} : random_params(spec, rng);
    for (Convention convention : kConventions) {
      auto batch = compute_indicator(spec.name, series.columns(), params, convention);
      ASSERT_TRUE(batch.is_ok()) << batch.status().to_string();
      auto stream = make_stream(spec.name, params, convention);
      ASSERT_TRUE(stream.is_ok()) << stream.status().to_string();
      const OutputColumns incremental = run_stream(**stream, series, spec.outputs.size());
      ASSERT_EQ(batch->columns.size(), spec.outputs.size());
      for (size_t out_idx = 0; out_idx < spec.outputs.size(); ++out_idx) {
        ASSERT_EQ(batch->columns[out_idx].size(), series.size());
        for (size_t bar_idx = 0; bar_idx < series.size(); ++bar_idx) {
          const double value = batch->columns[out_idx][bar_idx];
          ASSERT_TRUE(same_value(value, incremental[out_idx][bar_idx]))
              << spec.outputs[out_idx] << " bar " << bar_idx << " seed " << seed << " "
              << convention_name(convention);
          ASSERT_FALSE(std::isinf(value)) << spec.outputs[out_idx] << " bar " << bar_idx;
        }
      }
    }
  }
}

TEST_P(EveryIndicator, MissingBarsAreSkipped) {
  const IndicatorSpec& spec = *GetParam();
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::uniform_int_distribution<int> pick_field(0, 5);
  for (unsigned seed = 1; seed <= 4; ++seed) {
    const OwnedSeries compact = random_series(300, seed + 100);
    // Insert missing bars: some with every field NaN, some with one required field NaN.
    OwnedSeries holey;
    std::vector<size_t> kept;  // holey index of each compact bar
    for (size_t bar_idx = 0; bar_idx < compact.size(); ++bar_idx) {
      while (unit(rng) < 0.1) {
        Ohlcv missing = compact.bar(bar_idx);
        Field field = static_cast<Field>(pick_field(rng));
        if (unit(rng) < 0.5 || (spec.inputs & field_bit(field)) == 0) {
          missing = Ohlcv{};
        } else {
          double Ohlcv::*members[] = {&Ohlcv::open,  &Ohlcv::high,   &Ohlcv::low,
                                      &Ohlcv::close, &Ohlcv::volume, &Ohlcv::amount};
          missing.*members[static_cast<int>(field)] = kNaN;
        }
        holey.push(missing);
      }
      kept.push_back(holey.size());
      holey.push(compact.bar(bar_idx));
    }
    const ParamMap params = seed == 1 ? ParamMap{} : random_params(spec, rng);
    for (Convention convention : kConventions) {
      auto expected = compute_indicator(spec.name, compact.columns(), params, convention);
      auto actual = compute_indicator(spec.name, holey.columns(), params, convention);
      ASSERT_TRUE(expected.is_ok() && actual.is_ok());
      for (size_t out_idx = 0; out_idx < spec.outputs.size(); ++out_idx) {
        std::vector<bool> is_kept(holey.size(), false);
        for (size_t compact_idx = 0; compact_idx < kept.size(); ++compact_idx) {
          const size_t holey_idx = kept[compact_idx];
          is_kept[holey_idx] = true;
          ASSERT_TRUE(same_value(actual->columns[out_idx][holey_idx],
                                 expected->columns[out_idx][compact_idx]))
              << spec.outputs[out_idx] << " compact bar " << compact_idx << " "
              << convention_name(convention);
        }
        for (size_t holey_idx = 0; holey_idx < holey.size(); ++holey_idx) {
          if (!is_kept[holey_idx]) {
            ASSERT_TRUE(std::isnan(actual->columns[out_idx][holey_idx]))
                << spec.outputs[out_idx] << " missing bar " << holey_idx;
          }
        }
      }
    }
  }
}

TEST_P(EveryIndicator, TinySeriesWithLongPeriodsAreSafe) {
  // Tiny inputs (0..3 bars) with large periods must not crash or read out of bounds.
  const IndicatorSpec& spec = *GetParam();
  ParamMap params;
  for (const ParamSpec& param : spec.params) {
    if (param.type == indicators::ParamType::kInteger && param.name != "fast") {
      params[std::string(param.name)] = std::max(param.min_value, 50.0);
    }
  }
  for (size_t bars = 0; bars <= 3; ++bars) {
    const OwnedSeries series = random_series(bars, 3);
    for (Convention convention : kConventions) {
      auto result = compute_indicator(spec.name, series.columns(), params, convention);
      ASSERT_TRUE(result.is_ok()) << result.status().to_string();
      for (const auto& column : result->columns) ASSERT_EQ(column.size(), bars);
    }
  }
}

std::string spec_name(const ::testing::TestParamInfo<const IndicatorSpec*>& info) {
  return std::string(info.param->name);
}

std::vector<const IndicatorSpec*> every_spec() {
  std::vector<const IndicatorSpec*> specs;
  for (const IndicatorSpec& spec : all_indicators()) specs.push_back(&spec);
  return specs;
}

INSTANTIATE_TEST_SUITE_P(Registry, EveryIndicator, ::testing::ValuesIn(every_spec()), spec_name);

// First defined bar of each output with default parameters, as docs/indicators.md tabulates.
struct WarmUp {
  const char* indicator;
  Convention convention;
  std::vector<int> first_bar;  // per output column
};

TEST(WarmUp, FirstDefinedBarMatchesDocumentation) {
  const std::vector<WarmUp> table = {
      {"ma", Convention::kTaLib, {4}},
      {"ema", Convention::kTaLib, {11}},
      {"ema", Convention::kChinaBroker, {0}},
      {"wma", Convention::kTaLib, {9}},
      {"macd", Convention::kTaLib, {33, 33, 33}},
      {"macd", Convention::kChinaBroker, {0, 0, 0}},
      {"rsi", Convention::kTaLib, {14}},
      {"rsi", Convention::kChinaBroker, {1}},
      {"kdj", Convention::kTaLib, {12, 12, 12}},
      {"kdj", Convention::kChinaBroker, {8, 8, 8}},
      {"stoch", Convention::kTaLib, {8, 8}},
      {"stoch", Convention::kChinaBroker, {4, 4}},
      {"boll", Convention::kTaLib, {19, 19, 19}},
      {"atr", Convention::kTaLib, {14}},
      {"atr", Convention::kChinaBroker, {14}},
      {"obv", Convention::kTaLib, {0}},
      {"obv", Convention::kChinaBroker, {1}},
      {"cci", Convention::kTaLib, {13}},
      {"wr", Convention::kTaLib, {13}},
      {"dmi", Convention::kTaLib, {14, 14, 27, 40}},
      {"dmi", Convention::kChinaBroker, {14, 14, 19, 25}},
      {"roc", Convention::kTaLib, {12, 17}},
      {"mfi", Convention::kTaLib, {14}},
      {"bias", Convention::kTaLib, {5}},
      {"psy", Convention::kTaLib, {12, 17}},
      {"vwap", Convention::kTaLib, {0}},
      {"sar", Convention::kTaLib, {1}},
      {"trix", Convention::kTaLib, {34, 42}},
      {"trix", Convention::kChinaBroker, {1, 9}},
      {"dma", Convention::kTaLib, {49, 58}},
      {"expma", Convention::kTaLib, {11, 49}},
      {"expma", Convention::kChinaBroker, {0, 0}},
      {"vol_ma", Convention::kTaLib, {4, 9}},
  };
  const OwnedSeries series = random_series(200, 5);
  for (const WarmUp& row : table) {
    auto result = compute_indicator(row.indicator, series.columns(), {}, row.convention);
    ASSERT_TRUE(result.is_ok()) << row.indicator;
    ASSERT_EQ(result->columns.size(), row.first_bar.size()) << row.indicator;
    for (size_t out_idx = 0; out_idx < row.first_bar.size(); ++out_idx) {
      const auto& column = result->columns[out_idx];
      int first = 0;
      while (first < static_cast<int>(column.size()) && std::isnan(column[first])) ++first;
      EXPECT_EQ(first, row.first_bar[out_idx])
          << row.indicator << "." << result->spec->outputs[out_idx] << " "
          << convention_name(row.convention);
    }
  }
}

}  // namespace
}  // namespace mystocks::indicators::testing
