// SAR, Wilder's parabolic stop and reverse, exactly as TA-Lib's TA_SAR: the first direction is
// short when the first bar's -DM is positive, long otherwise; the first value is at bar 1; the
// acceleration starts at `step` (capped at `max`), grows by `step` on each new extreme and is
// capped at `max`. Both conventions use this algorithm: 通达信 SAR(N,S,M) seeds its first
// extreme over N bars, which is not reproduced here (docs/indicators.md).
// Missing-value rule as in moving_average.h. Thread-safety: states need external
// synchronisation; functions are pure.
#pragma once

#include <cmath>
#include <vector>

#include "core/status.h"
#include "indicators/ohlcv.h"

namespace mystocks::indicators {

struct SarParams {
  double step = 0.02;  // acceleration increment (and start)
  double max = 0.2;    // acceleration cap
};

Status validate(const SarParams& params);

class SarState {
 public:
  static Result<SarState> create(const SarParams& params);

  double update(const Ohlcv& bar) {
    if (std::isnan(bar.high) || std::isnan(bar.low)) return kNaN;
    ++seen_;
    if (seen_ == 1) {
      previous_high_ = bar.high;
      previous_low_ = bar.low;
      return kNaN;
    }
    if (seen_ == 2) start(bar.high, bar.low);
    const double value = step(bar.high, bar.low);
    previous_high_ = bar.high;
    previous_low_ = bar.low;
    return value;
  }

 private:
  SarState(double step, double max) : step_(step), max_(max) {}
  // Chooses the direction from the first two bars; afterwards the first step sees the second
  // bar as both previous and current, as TA-Lib does.
  void start(double high, double low);
  // Returns the SAR for the bar (high, low) and prepares the next one.
  double step(double high, double low);

  double step_;
  double max_;
  long seen_ = 0;
  bool long_ = true;
  double sar_ = 0.0;
  double extreme_ = 0.0;
  double acceleration_ = 0.0;
  double previous_high_ = kNaN;
  double previous_low_ = kNaN;
};

// Required columns: high, low.
Result<std::vector<double>> sar(const OhlcvColumns& bars, const SarParams& params);

}  // namespace mystocks::indicators
