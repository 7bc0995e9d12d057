// RSI, relative strength index, over close-to-close changes (the first change is at bar 1).
//  - TA-Lib: Wilder averages of gains and losses seeded with their simple means over the first n
//    changes; first value at bar n.
//  - China broker (通达信 RSI): SMA(MAX(C-LC,0),N,1) / SMA(ABS(C-LC),N,1) * 100, seeded with the
//    first change; first value at bar 1.
// A window without any movement has no defined RSI: NaN (TA-Lib itself writes 0 there).
// Missing-value rule as in moving_average.h. Thread-safety: states need external
// synchronisation; functions are pure.
#pragma once

#include <cmath>
#include <span>
#include <vector>

#include "core/status.h"
#include "indicators/convention.h"
#include "indicators/moving_average.h"

namespace mystocks::indicators {

class RsiState {
 public:
  static Result<RsiState> create(int period, Convention convention);

  double update(double close) {
    if (std::isnan(close)) return kNaN;
    const double previous = previous_;
    previous_ = close;
    if (std::isnan(previous)) return kNaN;
    const double change = close - previous;
    const double gain = gain_.update(change > 0.0 ? change : 0.0);
    // China broker averages |change| (gains + losses); TA-Lib averages losses. Both give the
    // same ratio gain / (gain + loss) once seeded.
    const double other = other_.update(china_ ? std::abs(change) : (change < 0.0 ? -change : 0.0));
    const double total = china_ ? other : gain + other;
    if (!(total > 0.0)) return kNaN;
    return 100.0 * gain / total;
  }

 private:
  RsiState(EmaState gain, EmaState other, bool china) : gain_(gain), other_(other), china_(china) {}

  EmaState gain_;
  EmaState other_;
  bool china_;
  double previous_ = kNaN;
};

Result<std::vector<double>> rsi(std::span<const double> close, int period, Convention convention);

}  // namespace mystocks::indicators
