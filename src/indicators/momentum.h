// Momentum indicators: ROC, BIAS, PSY, CCI and TRIX (formulas identical in both conventions
// except TRIX, whose EMAs follow the convention's seeding).
//  - ROC = 100 * (C - REF(C,n)) / REF(C,n) (bar n); MAROC = MA(ROC, m).
//  - BIAS = 100 * (C - MA(C,n)) / MA(C,n) (bar n-1).
//  - PSY = 100 * COUNT(C > REF(C,1), n) / n (bar n); PSYMA = MA(PSY, m).
//  - CCI = (TP - MA(TP,n)) / (0.015 * AVEDEV(TP,n)), TP = (H+L+C)/3 (bar n-1).
//  - TRIX = 100 * (E - REF(E,1)) / REF(E,1), E = EMA(EMA(EMA(C,n),n),n); TA-Lib: bar 3n-2,
//    China broker: bar 1. MATRIX = MA(TRIX, m).
// Divisions by zero (a zero price, a zero mean deviation) give NaN. Missing-value rule as in
// moving_average.h. Thread-safety: states need external synchronisation; functions are pure.
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

// A value and its moving average, the shape of ROC/MAROC, PSY/PSYMA and TRIX/MATRIX.
struct LinePoint {
  double value = kNaN;
  double average = kNaN;
};

struct LineColumns {
  std::vector<double> value;
  std::vector<double> average;
};

struct RocParams {
  int n = 12;
  int m = 6;
};
struct PsyParams {
  int n = 12;
  int m = 6;
};
struct TrixParams {
  int n = 12;
  int m = 9;
};

class RocState {
 public:
  static Result<RocState> create(const RocParams& params);

  LinePoint update(double close) {
    if (std::isnan(close)) return {};
    closes_.push(close);
    if (!closes_.full()) return {};
    const double base = closes_.ago(lag_);
    const double roc = base != 0.0 ? 100.0 * (close - base) / base : kNaN;
    return {roc, average_.update(roc)};
  }

 private:
  RocState(const RocParams& params, SmaState average)
      : closes_(static_cast<size_t>(params.n) + 1), lag_(params.n), average_(average) {}
  LagBuffer closes_;
  size_t lag_;
  SmaState average_;
};

class BiasState {
 public:
  static Result<BiasState> create(int period);

  double update(double close) {
    const double average = average_.update(close);
    if (std::isnan(average) || average == 0.0) return kNaN;
    return 100.0 * (close - average) / average;
  }

 private:
  explicit BiasState(SmaState average) : average_(std::move(average)) {}
  SmaState average_;
};

class PsyState {
 public:
  static Result<PsyState> create(const PsyParams& params);

  LinePoint update(double close) {
    if (std::isnan(close)) return {};
    const double previous = previous_;
    previous_ = close;
    if (std::isnan(previous)) return {};
    rises_.push(close > previous ? 1.0 : 0.0);
    if (!rises_.full()) return {};
    const double psy = 100.0 * rises_.sum() / period_;
    return {psy, average_.update(psy)};
  }

 private:
  PsyState(const PsyParams& params, SmaState average)
      : rises_(static_cast<size_t>(params.n)), period_(params.n), average_(std::move(average)) {}
  RollingSum rises_;
  double period_;
  SmaState average_;
  double previous_ = kNaN;
};

class CciState {
 public:
  static Result<CciState> create(int period);

  double update(const Ohlcv& bar) {
    if (std::isnan(bar.high) || std::isnan(bar.low) || std::isnan(bar.close)) return kNaN;
    const double typical = (bar.high + bar.low + bar.close) / 3.0;
    typical_.push(typical);
    if (!typical_.full()) return kNaN;
    const double mean = typical_.sum() / period_;
    double deviation = 0.0;
    for (double value : typical_.values()) deviation += std::abs(value - mean);
    deviation /= period_;
    if (!(deviation > 0.0)) return kNaN;
    return (typical - mean) / (0.015 * deviation);
  }

 private:
  explicit CciState(int period) : typical_(static_cast<size_t>(period)), period_(period) {}
  RollingSum typical_;
  double period_;
};

class TrixState {
 public:
  static Result<TrixState> create(const TrixParams& params, Convention convention);

  LinePoint update(double close) {
    const double smoothed = third_.update(second_.update(first_.update(close)));
    if (std::isnan(smoothed)) return {};
    const double previous = previous_;
    previous_ = smoothed;
    if (std::isnan(previous) || previous == 0.0) return {};
    const double trix = 100.0 * (smoothed - previous) / previous;
    return {trix, average_.update(trix)};
  }

 private:
  TrixState(EmaState first, EmaState second, EmaState third, SmaState average)
      : first_(first), second_(second), third_(third), average_(std::move(average)) {}
  EmaState first_;
  EmaState second_;
  EmaState third_;
  SmaState average_;
  double previous_ = kNaN;
};

Result<LineColumns> roc(std::span<const double> close, const RocParams& params);
Result<std::vector<double>> bias(std::span<const double> close, int period);
Result<LineColumns> psy(std::span<const double> close, const PsyParams& params);
// Required columns: high, low, close.
Result<std::vector<double>> cci(const OhlcvColumns& bars, int period);
Result<LineColumns> trix(std::span<const double> close, const TrixParams& params,
                         Convention convention);

}  // namespace mystocks::indicators
