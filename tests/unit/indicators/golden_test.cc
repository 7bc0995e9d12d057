// Runs every case of tests/golden/indicators/*.test through the registry, in batch and in
// incremental form: hand-checked small cases and the independently computed references
// (TA-Lib itself, and the 通达信 formula texts evaluated by scripts/gen_indicator_reference.py).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "golden_cases.h"
#include "indicators/registry.h"

namespace mystocks::indicators::testing {
namespace {

struct LoadedCase {
  GoldenCase golden;
  std::string load_error;  // set when a file could not be parsed
};

std::vector<LoadedCase> load_all() {
  std::vector<std::string> paths;
  std::error_code ignored;
  for (const auto& entry : std::filesystem::directory_iterator(golden_dir(), ignored)) {
    if (entry.path().extension() == ".test") paths.push_back(entry.path().string());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<LoadedCase> all;
  if (paths.empty()) all.push_back({{}, "no .test files under " + golden_dir()});
  for (const std::string& path : paths) {
    std::string error;
    for (GoldenCase& golden : read_golden_file(path, &error))
      all.push_back({std::move(golden), ""});
    if (!error.empty()) all.push_back({{}, error});
  }
  return all;
}

// Compares one column; returns a message naming the first difference, empty when equal.
std::string compare(const std::vector<double>& actual, const std::vector<double>& expected,
                    double tolerance) {
  if (actual.size() != expected.size()) {
    return "length " + std::to_string(actual.size()) + ", expected " +
           std::to_string(expected.size());
  }
  for (size_t bar_idx = 0; bar_idx < actual.size(); ++bar_idx) {
    const double a = actual[bar_idx];
    const double e = expected[bar_idx];
    const bool same =
        std::isnan(e) ? std::isnan(a) : std::abs(a - e) <= tolerance * std::max(1.0, std::abs(e));
    if (!same) {
      return "bar " + std::to_string(bar_idx) + ": got " + std::to_string(a) + " (" +
             fmt::format("{:.17g}", a) + "), expected " + fmt::format("{:.17g}", e);
    }
  }
  return {};
}

class GoldenTest : public ::testing::TestWithParam<LoadedCase> {};

TEST_P(GoldenTest, BatchAndIncrementalMatchExpected) {
  const LoadedCase& loaded = GetParam();
  ASSERT_TRUE(loaded.load_error.empty()) << loaded.load_error;
  const GoldenCase& golden = loaded.golden;
  SCOPED_TRACE(golden.location);
  const IndicatorSpec* spec = find_indicator(golden.indicator);
  ASSERT_NE(spec, nullptr) << "unknown indicator " << golden.indicator;
  ASSERT_FALSE(golden.expected.empty()) << "case has no expected columns";
  const OhlcvColumns bars = columns_of(golden);
  std::vector<Convention> conventions = golden.conventions;
  if (conventions.empty()) conventions = {Convention::kTaLib, Convention::kChinaBroker};

  for (Convention convention : conventions) {
    SCOPED_TRACE(std::string("convention ") + std::string(convention_name(convention)));
    auto batch = compute_indicator(golden.indicator, bars, golden.params, convention);
    ASSERT_TRUE(batch.is_ok()) << batch.status().to_string();
    auto stream = make_stream(golden.indicator, golden.params, convention);
    ASSERT_TRUE(stream.is_ok()) << stream.status().to_string();

    const size_t length = batch->columns.empty() ? 0 : batch->columns[0].size();
    OutputColumns incremental(spec->outputs.size(), std::vector<double>(length));
    std::vector<double> point(spec->outputs.size());
    for (size_t bar_idx = 0; bar_idx < length; ++bar_idx) {
      Ohlcv bar;
      auto at = [&](std::span<const double> column) {
        return column.empty() ? kNaN : column[bar_idx];
      };
      bar = {at(bars.open),  at(bars.high),   at(bars.low),
             at(bars.close), at(bars.volume), at(bars.amount)};
      (*stream)->update(bar, point);
      for (size_t out_idx = 0; out_idx < point.size(); ++out_idx) {
        incremental[out_idx][bar_idx] = point[out_idx];
      }
    }

    for (const auto& [name, values] : golden.expected) {
      auto found = std::find(spec->outputs.begin(), spec->outputs.end(), name);
      ASSERT_NE(found, spec->outputs.end()) << "no output column '" << name << "'";
      const size_t out_idx = static_cast<size_t>(found - spec->outputs.begin());
      EXPECT_EQ(compare(batch->columns[out_idx], values, golden.tolerance), "")
          << "batch column '" << name << "'";
      EXPECT_EQ(compare(incremental[out_idx], values, golden.tolerance), "")
          << "incremental column '" << name << "'";
    }
  }
}

std::string case_name(const ::testing::TestParamInfo<LoadedCase>& info) {
  std::string name = info.param.golden.name.empty() ? "load_error_" + std::to_string(info.index)
                                                    : info.param.golden.name;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Golden, GoldenTest, ::testing::ValuesIn(load_all()), case_name);

}  // namespace
}  // namespace mystocks::indicators::testing
