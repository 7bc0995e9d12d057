// Indicators made of moving averages, as brokerage software displays them:
//  - EXPMA: EXP1 = EMA(C, n1), EXP2 = EMA(C, n2), seeded per convention (moving_average.h).
//  - DMA: DIF = MA(C, n1) - MA(C, n2) (bar max(n1,n2)-1); DIFMA = MA(DIF, m).
//  - VOL MA: MAVOL1 = MA(V, n1), MAVOL2 = MA(V, n2).
// Missing-value rule as in moving_average.h. Thread-safety: states need external
// synchronisation; functions are pure.
#pragma once

#include <span>
#include <vector>

#include "core/status.h"
#include "indicators/convention.h"
#include "indicators/moving_average.h"

namespace mystocks::indicators {

// Two lines computed side by side (EXP1/EXP2, DIF/DIFMA, MAVOL1/MAVOL2).
struct PairPoint {
  double first = kNaN;
  double second = kNaN;
};

struct PairColumns {
  std::vector<double> first;
  std::vector<double> second;
};

struct ExpmaParams {
  int n1 = 12;
  int n2 = 50;
};
struct DmaParams {
  int n1 = 10;  // short MA
  int n2 = 50;  // long MA
  int m = 10;   // MA of DIF
};
struct VolMaParams {
  int n1 = 5;
  int n2 = 10;
};

class ExpmaState {
 public:
  static Result<ExpmaState> create(const ExpmaParams& params, Convention convention);
  PairPoint update(double close) { return {first_.update(close), second_.update(close)}; }

 private:
  ExpmaState(EmaState first, EmaState second) : first_(first), second_(second) {}
  EmaState first_;
  EmaState second_;
};

class DmaState {
 public:
  static Result<DmaState> create(const DmaParams& params);
  PairPoint update(double close) {
    const double dif = short_.update(close) - long_.update(close);
    return {dif, average_.update(dif)};
  }

 private:
  DmaState(SmaState short_ma, SmaState long_ma, SmaState average)
      : short_(std::move(short_ma)), long_(std::move(long_ma)), average_(std::move(average)) {}
  SmaState short_;
  SmaState long_;
  SmaState average_;
};

// Fed with the volume column.
class VolMaState {
 public:
  static Result<VolMaState> create(const VolMaParams& params);
  PairPoint update(double volume) { return {first_.update(volume), second_.update(volume)}; }

 private:
  VolMaState(SmaState first, SmaState second)
      : first_(std::move(first)), second_(std::move(second)) {}
  SmaState first_;
  SmaState second_;
};

Result<PairColumns> expma(std::span<const double> close, const ExpmaParams& params,
                          Convention convention);
Result<PairColumns> dma(std::span<const double> close, const DmaParams& params);
Result<PairColumns> vol_ma(std::span<const double> volume, const VolMaParams& params);

}  // namespace mystocks::indicators
