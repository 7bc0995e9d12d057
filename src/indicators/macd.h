// MACD: DIF = EMA(close, fast) - EMA(close, slow), DEA = EMA(DIF, signal), histogram.
//  - TA-Lib: EMAs seeded with SMAs; the fast EMA is seeded on the `fast` bars ending at bar
//    slow-1, as TA_MACD does; all three columns start at bar slow+signal-2 (33 for 12/26/9);
//    hist = DIF - DEA.
//  - China broker (通达信 MACD): first-value seeded EMAs, values from bar 0; MACD = 2*(DIF-DEA).
// Invariants and missing-value rule as in moving_average.h. Thread-safety: states need external
// synchronisation; functions are pure.
#pragma once

#include <span>
#include <vector>

#include "core/status.h"
#include "indicators/convention.h"
#include "indicators/moving_average.h"

namespace mystocks::indicators {

struct MacdParams {
  int fast = 12;
  int slow = 26;
  int signal = 9;
};

struct MacdPoint {
  double dif = kNaN;
  double dea = kNaN;
  double hist = kNaN;
};

struct MacdColumns {
  std::vector<double> dif;
  std::vector<double> dea;
  std::vector<double> hist;
};

Status validate(const MacdParams& params);

class MacdState {
 public:
  static Result<MacdState> create(const MacdParams& params, Convention convention);

  MacdPoint update(double close) {
    if (std::isnan(close)) return {};
    ++seen_;
    const double slow = slow_.update(close);
    // TA-Lib seeds the fast EMA on the last `fast` bars of the slow EMA's seed window.
    const double fast = seen_ > fast_skip_ ? fast_.update(close) : kNaN;
    const double dif = fast - slow;
    const double dea = signal_.update(dif);
    if (std::isnan(dea)) return {};
    return {dif, dea, hist_scale_ * (dif - dea)};
  }

 private:
  MacdState(EmaState fast, EmaState slow, EmaState signal, long fast_skip, double hist_scale)
      : fast_(fast), slow_(slow), signal_(signal), fast_skip_(fast_skip), hist_scale_(hist_scale) {}

  EmaState fast_;
  EmaState slow_;
  EmaState signal_;
  long fast_skip_;
  long seen_ = 0;
  double hist_scale_;
};

Result<MacdColumns> macd(std::span<const double> close, const MacdParams& params,
                         Convention convention);

}  // namespace mystocks::indicators
