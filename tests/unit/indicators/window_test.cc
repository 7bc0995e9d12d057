// The sliding-window building blocks against brute force, including long runs where running
// sums would drift without the per-wrap recomputation.
#include "indicators/window.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "indicators/moving_average.h"

namespace mystocks::indicators {
namespace {

std::vector<double> random_values(size_t count, unsigned seed, double scale = 100.0) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> ticks(0, 20);  // few distinct values: many ties
  std::vector<double> values(count);
  for (double& v : values) v = scale + ticks(rng) * 0.01;
  return values;
}

TEST(RollingExtremum, MatchesBruteForceWithTies) {
  for (size_t capacity : {1u, 2u, 3u, 9u, 64u}) {
    const std::vector<double> values = random_values(2000, static_cast<unsigned>(capacity));
    RollingExtremum<Extremum::kMax> highest(capacity);
    RollingExtremum<Extremum::kMin> lowest(capacity);
    for (size_t idx = 0; idx < values.size(); ++idx) {
      highest.push(values[idx]);
      lowest.push(values[idx]);
      const size_t begin = idx + 1 >= capacity ? idx + 1 - capacity : 0;
      const auto window_begin = values.begin() + static_cast<std::ptrdiff_t>(begin);
      const auto window_end = values.begin() + static_cast<std::ptrdiff_t>(idx + 1);
      ASSERT_EQ(highest.value(), *std::max_element(window_begin, window_end)) << idx;
      ASSERT_EQ(lowest.value(), *std::min_element(window_begin, window_end)) << idx;
      ASSERT_EQ(highest.full(), idx + 1 >= capacity);
    }
  }
}

TEST(RollingExtremum, MonotoneInputsStayWithinCapacity) {
  // A strictly rising series keeps one entry; a strictly falling one fills the deque.
  RollingExtremum<Extremum::kMax> highest(5);
  for (int step = 0; step < 100; ++step) {
    highest.push(-step);
    ASSERT_EQ(highest.value(), -std::max(0, step - 4));
  }
}

TEST(RollingSum, StaysExactOverLongStreams) {
  // Prices near 3000 with cent ticks: add/subtract updates alone drift; the wrap re-sum keeps
  // the error at one window's rounding.
  const std::vector<double> values = random_values(1'000'000, 3, 3000.0);
  constexpr size_t kWindow = 20;
  RollingSum sum(kWindow);
  for (double v : values) sum.push(v);
  double exact = 0.0;
  for (size_t idx = values.size() - kWindow; idx < values.size(); ++idx) exact += values[idx];
  EXPECT_NEAR(sum.sum(), exact, 1e-9);
}

TEST(RollingMoments, MatchesTwoPassAndNeverGoesNegative) {
  const std::vector<double> values = random_values(5000, 4, 3000.0);
  constexpr size_t kWindow = 7;
  RollingMoments moments(kWindow);
  for (size_t idx = 0; idx < values.size(); ++idx) {
    moments.push(values[idx]);
    if (idx + 1 < kWindow) continue;
    double mean = 0.0;
    for (size_t k = idx + 1 - kWindow; k <= idx; ++k) mean += values[k];
    mean /= kWindow;
    double m2 = 0.0;
    for (size_t k = idx + 1 - kWindow; k <= idx; ++k) m2 += (values[k] - mean) * (values[k] - mean);
    ASSERT_NEAR(moments.mean(), mean, 1e-9) << idx;
    ASSERT_NEAR(moments.m2(), m2, 1e-7) << idx;
    ASSERT_GE(moments.m2(), 0.0);
  }
}

TEST(LagBuffer, LooksBack) {
  LagBuffer lag(3);
  for (int v = 1; v <= 5; ++v) lag.push(v);
  EXPECT_TRUE(lag.full());
  EXPECT_EQ(lag.ago(0), 5);
  EXPECT_EQ(lag.ago(2), 3);
}

TEST(Wma, LongStreamMatchesDirectFormula) {
  const std::vector<double> values = random_values(100'000, 5, 3000.0);
  constexpr int kPeriod = 30;
  auto result = wma(values, kPeriod);
  ASSERT_TRUE(result.is_ok());
  const size_t last = values.size() - 1;
  double weighted = 0.0;
  for (int weight = 1; weight <= kPeriod; ++weight) {
    weighted += weight * values[last - static_cast<size_t>(kPeriod - weight)];
  }
  EXPECT_NEAR((*result)[last], weighted / (kPeriod * (kPeriod + 1) / 2.0), 1e-9);
}

}  // namespace
}  // namespace mystocks::indicators
