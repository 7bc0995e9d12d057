// Volume-weighted indicators: OBV, MFI and VWAP.
//  - OBV adds the bar's volume when the close rises, subtracts it when it falls. TA-Lib starts
//    from the first bar's volume (value at bar 0); 通达信 OBV sums from bar 1 (bar 0 is NaN), so
//    China = TA-Lib - V0.
//  - MFI = 100 * positive flow / (positive + negative flow) over the last n typical-price
//    changes, flow = TP * V, TP = (H+L+C)/3 (bar n, both conventions; 通达信's
//    100 - 100/(1+ratio) is the same number).
//  - VWAP = SUM(TP * V) / SUM(V) over the last n bars, or from the first bar when n = 0 (pass one
//    session's bars for a session VWAP).
// Zero total flow or volume gives NaN. Missing-value rule as in moving_average.h.
// Thread-safety: states need external synchronisation; functions are pure.
#pragma once

#include <cmath>
#include <optional>
#include <vector>

#include "core/status.h"
#include "indicators/convention.h"
#include "indicators/ohlcv.h"
#include "indicators/window.h"

namespace mystocks::indicators {

class ObvState {
 public:
  static Result<ObvState> create(Convention convention);

  double update(const Ohlcv& bar) {
    if (std::isnan(bar.close) || std::isnan(bar.volume)) return kNaN;
    const double previous = previous_close_;
    previous_close_ = bar.close;
    if (std::isnan(previous)) {
      total_ = china_ ? 0.0 : bar.volume;
      return china_ ? kNaN : total_;
    }
    if (bar.close > previous) total_ += bar.volume;
    if (bar.close < previous) total_ -= bar.volume;
    return total_;
  }

 private:
  explicit ObvState(bool china) : china_(china) {}
  bool china_;
  double previous_close_ = kNaN;
  double total_ = 0.0;
};

class MfiState {
 public:
  static Result<MfiState> create(int period);

  double update(const Ohlcv& bar) {
    if (std::isnan(bar.high) || std::isnan(bar.low) || std::isnan(bar.close) ||
        std::isnan(bar.volume)) {
      return kNaN;
    }
    const double typical = (bar.high + bar.low + bar.close) / 3.0;
    const double previous = previous_typical_;
    previous_typical_ = typical;
    if (std::isnan(previous)) return kNaN;
    const double flow = typical * bar.volume;
    positive_.push(typical > previous ? flow : 0.0);
    negative_.push(typical < previous ? flow : 0.0);
    if (!positive_.full()) return kNaN;
    const double total = positive_.sum() + negative_.sum();
    return total > 0.0 ? 100.0 * positive_.sum() / total : kNaN;
  }

 private:
  explicit MfiState(int period)
      : positive_(static_cast<size_t>(period)), negative_(static_cast<size_t>(period)) {}
  RollingSum positive_;
  RollingSum negative_;
  double previous_typical_ = kNaN;
};

class VwapState {
 public:
  // period 0 = cumulative from the first bar.
  static Result<VwapState> create(int period);

  double update(const Ohlcv& bar) {
    if (std::isnan(bar.high) || std::isnan(bar.low) || std::isnan(bar.close) ||
        std::isnan(bar.volume)) {
      return kNaN;
    }
    const double value = (bar.high + bar.low + bar.close) / 3.0 * bar.volume;
    double value_sum = 0.0;
    double volume_sum = 0.0;
    if (window_value_) {
      window_value_->push(value);
      window_volume_->push(bar.volume);
      if (!window_value_->full()) return kNaN;
      value_sum = window_value_->sum();
      volume_sum = window_volume_->sum();
    } else {
      value_sum = (total_value_ += value);
      volume_sum = (total_volume_ += bar.volume);
    }
    return volume_sum > 0.0 ? value_sum / volume_sum : kNaN;
  }

 private:
  explicit VwapState(int period);
  std::optional<RollingSum> window_value_;  // empty when cumulative
  std::optional<RollingSum> window_volume_;
  double total_value_ = 0.0;
  double total_volume_ = 0.0;
};

// Required columns: close, volume.
Result<std::vector<double>> obv(const OhlcvColumns& bars, Convention convention);
// Required columns: high, low, close, volume.
Result<std::vector<double>> mfi(const OhlcvColumns& bars, int period);
Result<std::vector<double>> vwap(const OhlcvColumns& bars, int period);

}  // namespace mystocks::indicators
