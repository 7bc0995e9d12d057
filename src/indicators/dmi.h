// DMI: directional movement (PDI, MDI), ADX and ADXR over high/low/close.
//  +DM = H - H' when it is positive and larger than L' - L, else 0; -DM symmetrically; TR as in
//  volatility.h. All three start at bar 1.
//  - TA-Lib (PLUS_DI, MINUS_DI, ADX, ADXR): Wilder sums seeded with the plain sum of the first
//    n-1 values; DI = 100 * DM / TR from bar n; DX = 100 * |PDI - MDI| / (PDI + MDI); ADX = Wilder
//    average of DX seeded with the mean of the first n DX (bar 2n-1); ADXR = (ADX + ADX n-1 bars
//    earlier) / 2 (bar 3n-2). `m` is not used: TA-Lib smooths ADX over n.
//  - China broker (通达信 DMI): plain n-bar sums, PDI/MDI from bar n; ADX = MA(DX, m) (bar n+m-1);
//    ADXR = (ADX + REF(ADX, m)) / 2 (bar n+2m-1).
// A window without any range or direction (zero sums) gives NaN, and ADX skips it.
// Missing-value rule as in moving_average.h. Thread-safety: states need external
// synchronisation; functions are pure.
#pragma once

#include <cmath>
#include <vector>

#include "core/status.h"
#include "indicators/convention.h"
#include "indicators/moving_average.h"
#include "indicators/ohlcv.h"
#include "indicators/volatility.h"
#include "indicators/window.h"

namespace mystocks::indicators {

struct DmiParams {
  int n = 14;  // DI window
  int m = 6;   // ADX smoothing and ADXR lag, China-broker convention only
};

struct DmiPoint {
  double pdi = kNaN;
  double mdi = kNaN;
  double adx = kNaN;
  double adxr = kNaN;
};

struct DmiColumns {
  std::vector<double> pdi;
  std::vector<double> mdi;
  std::vector<double> adx;
  std::vector<double> adxr;
};

Status validate(const DmiParams& params);

class DmiState {
 public:
  static Result<DmiState> create(const DmiParams& params, Convention convention);

  DmiPoint update(const Ohlcv& bar) {
    if (std::isnan(bar.high) || std::isnan(bar.low) || std::isnan(bar.close)) return {};
    const double range = true_range_.update(bar.high, bar.low, bar.close);
    const double up = bar.high - previous_high_;
    const double down = previous_low_ - bar.low;
    previous_high_ = bar.high;
    previous_low_ = bar.low;
    if (std::isnan(range)) return {};  // first bar: no movement yet
    const double plus_dm = up > 0.0 && up > down ? up : 0.0;
    const double minus_dm = down > 0.0 && down > up ? down : 0.0;
    return china_ ? update_china(plus_dm, minus_dm, range) : update_ta(plus_dm, minus_dm, range);
  }

 private:
  DmiState(const DmiParams& params, bool china);

  DmiPoint update_ta(double plus_dm, double minus_dm, double range);
  DmiPoint update_china(double plus_dm, double minus_dm, double range);
  // ADXR = average of the new ADX and the one adxr_lag_ valid ADX values earlier.
  void add_adxr(DmiPoint& point);
  // DX from the two DIs, NaN when they are both zero or undefined.
  static double directional_index(double pdi, double mdi) {
    const double sum = pdi + mdi;
    return sum > 0.0 ? 100.0 * std::abs(pdi - mdi) / sum : kNaN;
  }

  bool china_;
  double period_;
  TrueRangeState true_range_;
  double previous_high_ = kNaN;
  double previous_low_ = kNaN;
  // TA-Lib: Wilder sums and the number of movements summed so far.
  long movements_ = 0;
  double plus_sum_ = 0.0;
  double minus_sum_ = 0.0;
  double range_sum_ = 0.0;
  EmaState ta_adx_;
  // China broker: plain rolling sums.
  RollingSum plus_window_;
  RollingSum minus_window_;
  RollingSum range_window_;
  SmaState china_adx_;
  // Valid ADX values, to look back the ADXR lag.
  LagBuffer adx_history_;
  size_t adxr_lag_;
};

// Required columns: high, low, close.
Result<DmiColumns> dmi(const OhlcvColumns& bars, const DmiParams& params, Convention convention);

}  // namespace mystocks::indicators
