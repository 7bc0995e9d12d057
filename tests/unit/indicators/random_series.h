// Deterministic random OHLCV series for the property tests: a random walk with realistic bar
// shapes, optional missing bars (every field NaN) and missing single fields.
// Thread-safety: plain values.
#pragma once

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "indicators/ohlcv.h"

namespace mystocks::indicators::testing {

struct OwnedSeries {
  std::vector<double> open, high, low, close, volume, amount;

  size_t size() const { return close.size(); }
  OhlcvColumns columns() const { return {open, high, low, close, volume, amount}; }
  Ohlcv bar(size_t bar_idx) const {
    return {open[bar_idx],  high[bar_idx],   low[bar_idx],
            close[bar_idx], volume[bar_idx], amount[bar_idx]};
  }
  void push(const Ohlcv& bar) {
    open.push_back(bar.open);
    high.push_back(bar.high);
    low.push_back(bar.low);
    close.push_back(bar.close);
    volume.push_back(bar.volume);
    amount.push_back(bar.amount);
  }
};

inline OwnedSeries random_series(size_t bars, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> step(0.0, 0.02);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  OwnedSeries series;
  double close = 50.0;
  for (size_t bar_idx = 0; bar_idx < bars; ++bar_idx) {
    const double open = close * (1.0 + step(rng) / 4.0);
    // Ticks of 0.01 make equal closes and equal highs happen, as on real A-share data.
    close = std::max(1.0, std::round(close * (1.0 + step(rng)) * 100.0) / 100.0);
    const double high = std::max(open, close) * (1.0 + unit(rng) * 0.01);
    const double low = std::min(open, close) * (1.0 - unit(rng) * 0.01);
    const double volume = std::floor(1000.0 + unit(rng) * 100000.0);
    series.push({open, high, low, close, volume, volume * (high + low + close) / 3.0});
  }
  return series;
}

}  // namespace mystocks::indicators::testing
