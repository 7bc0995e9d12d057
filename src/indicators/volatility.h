// Volatility indicators: BOLL (Bollinger bands) and ATR (average true range).
//  - BOLL: MID = MA(C,n), UPPER/LOWER = MID +/- width * STD(C,n). TA-Lib (BBANDS) uses the
//    population deviation (divide by n); 通达信 STD is the sample deviation (divide by n-1).
//    First value at bar n-1.
//  - TR = MAX(H-L, |H-C'|, |L-C'|) with C' the previous close, so TR starts at bar 1.
//  - ATR, TA-Lib: Wilder average of TR seeded with the mean of the first n TRs; 通达信 ATR:
//    MA(TR,n). Both first at bar n.
// Missing-value rule as in moving_average.h. Thread-safety: states need external
// synchronisation; functions are pure.
#pragma once

#include <algorithm>
#include <cmath>
#include <optional>
#include <span>
#include <vector>

#include "core/status.h"
#include "indicators/convention.h"
#include "indicators/moving_average.h"
#include "indicators/ohlcv.h"
#include "indicators/window.h"

namespace mystocks::indicators {

struct BollParams {
  int n = 20;
  double width = 2.0;  // band half-width in standard deviations
};

struct BollPoint {
  double mid = kNaN;
  double upper = kNaN;
  double lower = kNaN;
};

struct BollColumns {
  std::vector<double> mid;
  std::vector<double> upper;
  std::vector<double> lower;
};

Status validate(const BollParams& params);

class BollState {
 public:
  static Result<BollState> create(const BollParams& params, Convention convention);

  BollPoint update(double close) {
    if (std::isnan(close)) return {};
    moments_.push(close);
    if (!moments_.full()) return {};
    const double spread = width_ * std::sqrt(moments_.m2() / divisor_);
    return {moments_.mean(), moments_.mean() + spread, moments_.mean() - spread};
  }

 private:
  BollState(const BollParams& params, double divisor)
      : moments_(static_cast<size_t>(params.n)), width_(params.width), divisor_(divisor) {}

  RollingMoments moments_;
  double width_;
  double divisor_;
};

// True range; NaN on the first valid bar (no previous close).
class TrueRangeState {
 public:
  double update(double high, double low, double close) {
    const double previous = previous_close_;
    previous_close_ = close;
    if (std::isnan(previous)) return kNaN;
    return std::max({high - low, std::abs(high - previous), std::abs(low - previous)});
  }

 private:
  double previous_close_ = kNaN;
};

class AtrState {
 public:
  static Result<AtrState> create(int period, Convention convention);

  double update(const Ohlcv& bar) {
    if (std::isnan(bar.high) || std::isnan(bar.low) || std::isnan(bar.close)) return kNaN;
    const double range = true_range_.update(bar.high, bar.low, bar.close);
    return china_ ? china_->update(range) : wilder_.update(range);
  }

 private:
  AtrState(EmaState wilder, std::optional<SmaState> china)
      : wilder_(wilder), china_(std::move(china)) {}

  TrueRangeState true_range_;
  EmaState wilder_;
  std::optional<SmaState> china_;  // set for the China-broker convention
};

Result<BollColumns> boll(std::span<const double> close, const BollParams& params,
                         Convention convention);
// Required columns: high, low, close.
Result<std::vector<double>> atr(const OhlcvColumns& bars, int period, Convention convention);

}  // namespace mystocks::indicators
