// Range oscillators over high/low/close: STOCH (%K/%D), KDJ and Williams %R.
//  RSV (fast %K) = 100 * (C - LLV(L,n)) / (HHV(H,n) - LLV(L,n)); first value at bar n-1.
//  - STOCH/KDJ, TA-Lib: K = SMA(RSV, slowk), D = SMA(K, slowd) (TA_STOCH with SMA types); both
//    columns start where D does, bar n+slowk+slowd-3.
//  - STOCH/KDJ, China broker (通达信 KDJ): K = SMA(RSV,M1,1), D = SMA(K,M2,1), seeded with the
//    first value; values from bar n-1.
//  - KDJ adds J = 3K - 2D in both conventions.
//  - WR: TA-Lib WILLR = -100 * (HHV - C) / (HHV - LLV), in [-100, 0]; 通达信 WR drops the minus
//    sign, in [0, 100]. First value at bar n-1.
// A flat window (HHV == LLV) has no defined RSV: NaN at that bar, and the smoothers skip it.
// Missing-value rule as in moving_average.h. Thread-safety: states need external
// synchronisation; functions are pure.
#pragma once

#include <cmath>
#include <span>
#include <vector>

#include "core/status.h"
#include "indicators/convention.h"
#include "indicators/moving_average.h"
#include "indicators/ohlcv.h"
#include "indicators/window.h"

namespace mystocks::indicators {

struct StochParams {
  int fastk = 5;  // RSV window
  int slowk = 3;  // smoothing of RSV into K
  int slowd = 3;  // smoothing of K into D
};

struct KdjParams {
  int n = 9;   // RSV window
  int m1 = 3;  // smoothing of RSV into K
  int m2 = 3;  // smoothing of K into D
};

struct StochPoint {
  double k = kNaN;
  double d = kNaN;
};

struct KdjPoint {
  double k = kNaN;
  double d = kNaN;
  double j = kNaN;
};

struct StochColumns {
  std::vector<double> k;
  std::vector<double> d;
};

struct KdjColumns {
  std::vector<double> k;
  std::vector<double> d;
  std::vector<double> j;
};

Status validate(const StochParams& params);
Status validate(const KdjParams& params);

// Highest high and lowest low of the last n valid bars.
class PriceRange {
 public:
  explicit PriceRange(int period) : highest_(period), lowest_(period) {}
  void push(double high, double low) {
    highest_.push(high);
    lowest_.push(low);
  }
  bool full() const { return highest_.full(); }
  double highest() const { return highest_.value(); }
  double lowest() const { return lowest_.value(); }

 private:
  RollingExtremum<Extremum::kMax> highest_;
  RollingExtremum<Extremum::kMin> lowest_;
};

class StochState {
 public:
  static Result<StochState> create(const StochParams& params, Convention convention);

  StochPoint update(const Ohlcv& bar) {
    if (std::isnan(bar.high) || std::isnan(bar.low) || std::isnan(bar.close)) return {};
    range_.push(bar.high, bar.low);
    if (!range_.full()) return {};
    const double width = range_.highest() - range_.lowest();
    const double rsv = width > 0.0 ? 100.0 * (bar.close - range_.lowest()) / width : kNaN;
    if (china_) {
      const double k = china_k_.update(rsv);
      return {k, china_d_.update(k)};
    }
    const double k = ta_k_.update(rsv);
    const double d = ta_d_.update(k);
    if (std::isnan(d)) return {};  // TA_STOCH reports K only where D exists
    return {k, d};
  }

 private:
  StochState(const StochParams& params, bool china);

  PriceRange range_;
  bool china_;
  SmaState ta_k_;
  SmaState ta_d_;
  EmaState china_k_;
  EmaState china_d_;
};

class KdjState {
 public:
  static Result<KdjState> create(const KdjParams& params, Convention convention);

  KdjPoint update(const Ohlcv& bar) {
    const StochPoint point = stoch_.update(bar);
    return {point.k, point.d, 3.0 * point.k - 2.0 * point.d};
  }

 private:
  explicit KdjState(StochState stoch) : stoch_(std::move(stoch)) {}
  StochState stoch_;
};

class WrState {
 public:
  static Result<WrState> create(int period, Convention convention);

  double update(const Ohlcv& bar) {
    if (std::isnan(bar.high) || std::isnan(bar.low) || std::isnan(bar.close)) return kNaN;
    range_.push(bar.high, bar.low);
    if (!range_.full()) return kNaN;
    const double width = range_.highest() - range_.lowest();
    if (!(width > 0.0)) return kNaN;
    return scale_ * (range_.highest() - bar.close) / width;
  }

 private:
  WrState(int period, double scale) : range_(period), scale_(scale) {}
  PriceRange range_;
  double scale_;
};

// Required columns: high, low, close.
Result<StochColumns> stoch(const OhlcvColumns& bars, const StochParams& params,
                           Convention convention);
Result<KdjColumns> kdj(const OhlcvColumns& bars, const KdjParams& params, Convention convention);
Result<std::vector<double>> wr(const OhlcvColumns& bars, int period, Convention convention);

}  // namespace mystocks::indicators
