// Moving averages over one column: MA/SMA, EMA (both conventions), WMA and the 通达信 SMA(X,N,M)
// recursive average, each as a batch function and as an incremental state.
// Invariants: outputs have the input's length; warm-up positions and positions whose input is NaN
// hold NaN; a NaN input is skipped (state unchanged), so the outputs at valid positions equal
// those of the series with the NaN bars removed. Batch functions run the same state code, so
// batch and incremental results are identical.
// Thread-safety: functions are pure; a state object needs external synchronisation.
#pragma once

#include <cmath>
#include <span>
#include <vector>

#include "core/status.h"
#include "indicators/convention.h"
#include "indicators/ohlcv.h"
#include "indicators/window.h"

namespace mystocks::indicators {

// Simple moving average: mean of the last `period` valid inputs; first value at bar period-1.
class SmaState {
 public:
  static Result<SmaState> create(int period);

  double update(double value) {
    if (std::isnan(value)) return kNaN;
    window_.push(value);
    return window_.full() ? window_.sum() / period_ : kNaN;
  }

 private:
  explicit SmaState(int period) : window_(static_cast<size_t>(period)), period_(period) {}
  RollingSum window_;
  double period_;
};

// Exponential averages y += alpha * (x - y), in the four published variants:
//  - EMA, TA-Lib: alpha 2/(n+1), seeded with the SMA of the first n inputs (first value at n-1);
//  - EMA, China broker: alpha 2/(n+1), seeded with the first input (a value from bar 0);
//  - SMA(X,N,M) of 通达信: alpha M/N, seeded with the first input;
//  - Wilder (TA-Lib RSI/ATR): alpha 1/n, seeded with the SMA of the first n inputs.
class EmaState {
 public:
  static Result<EmaState> create(int period, Convention convention);
  static Result<EmaState> create_sma_nm(int n, int m);
  static Result<EmaState> create_wilder(int period);

  double update(double value) {
    if (std::isnan(value)) return kNaN;
    if (seen_ < seed_count_) {
      ++seen_;
      seed_sum_ += value;
      if (seen_ < seed_count_) return kNaN;
      value_ = seed_sum_ / seed_count_;
      return value_;
    }
    value_ += alpha_ * (value - value_);
    return value_;
  }
  bool ready() const { return seen_ >= seed_count_; }

 private:
  EmaState(double alpha, int seed_count) : alpha_(alpha), seed_count_(seed_count) {}
  double alpha_;
  int seed_count_;
  int seen_ = 0;
  double seed_sum_ = 0.0;
  double value_ = kNaN;
};

// Linearly weighted moving average: weights 1..n, the newest bar weighs n; first value at n-1.
class WmaState {
 public:
  static Result<WmaState> create(int period);

  double update(double value) {
    if (std::isnan(value)) return kNaN;
    if (count_ < period_) {
      ++count_;
      sum_ += value;
      weighted_ += count_ * value;
    } else {
      // Shifting the window lowers every old weight by one: subtract the old plain sum.
      weighted_ += period_ * value - sum_;
      sum_ += value - window_[next_];
    }
    window_[next_] = value;
    if (++next_ == window_.size()) {
      next_ = 0;
      resum();
    }
    return count_ == period_ ? weighted_ / divisor_ : kNaN;
  }

 private:
  explicit WmaState(int period);
  void resum();  // exact sums once per wrap, when window_ is in oldest-first order

  std::vector<double> window_;
  size_t next_ = 0;
  double period_;
  double count_ = 0;
  double sum_ = 0.0;
  double weighted_ = 0.0;
  double divisor_;
};

Result<std::vector<double>> sma(std::span<const double> values, int period);
Result<std::vector<double>> ema(std::span<const double> values, int period, Convention convention);
Result<std::vector<double>> wma(std::span<const double> values, int period);
// 通达信 SMA(X,N,M): y = (M*x + (N-M)*y') / N, 1 <= M <= N, seeded with the first input.
Result<std::vector<double>> sma_nm(std::span<const double> values, int n, int m);

}  // namespace mystocks::indicators
