#include "indicators/moving_average.h"

#include "indicators/batch.h"
#include "indicators/params.h"

namespace mystocks::indicators {

Result<SmaState> SmaState::create(int period) {
  MYSTOCKS_RETURN_IF_ERROR(check_period("n", period));
  return SmaState(period);
}

Result<EmaState> EmaState::create(int period, Convention convention) {
  MYSTOCKS_RETURN_IF_ERROR(check_period("n", period));
  const double alpha = 2.0 / (period + 1.0);
  return EmaState(alpha, convention == Convention::kTaLib ? period : 1);
}

Result<EmaState> EmaState::create_sma_nm(int n, int m) {
  MYSTOCKS_RETURN_IF_ERROR(check_period("n", n));
  MYSTOCKS_RETURN_IF_ERROR(check_period("m", m));
  if (m > n) {
    return field_error(ErrorCode::kInvalidArgument, "m",
                       "parameter 'm' is {}; SMA(X,N,M) needs 1 <= m <= n (n is {})", m, n);
  }
  return EmaState(static_cast<double>(m) / n, 1);
}

Result<EmaState> EmaState::create_wilder(int period) {
  MYSTOCKS_RETURN_IF_ERROR(check_period("n", period));
  return EmaState(1.0 / period, period);
}

WmaState::WmaState(int period)
    : window_(static_cast<size_t>(period)),
      period_(period),
      divisor_(period * (period + 1.0) / 2.0) {}

Result<WmaState> WmaState::create(int period) {
  MYSTOCKS_RETURN_IF_ERROR(check_period("n", period));
  return WmaState(period);
}

void WmaState::resum() {
  double sum = 0.0;
  double weighted = 0.0;
  double weight = 1.0;
  for (double value : window_) {
    sum += value;
    weighted += weight * value;
    weight += 1.0;
  }
  sum_ = sum;
  weighted_ = weighted;
}

Result<std::vector<double>> sma(std::span<const double> values, int period) {
  auto state = SmaState::create(period);
  if (!state) return state.status();
  return run_column(*state, values);
}

Result<std::vector<double>> ema(std::span<const double> values, int period, Convention convention) {
  auto state = EmaState::create(period, convention);
  if (!state) return state.status();
  return run_column(*state, values);
}

Result<std::vector<double>> wma(std::span<const double> values, int period) {
  auto state = WmaState::create(period);
  if (!state) return state.status();
  return run_column(*state, values);
}

Result<std::vector<double>> sma_nm(std::span<const double> values, int n, int m) {
  auto state = EmaState::create_sma_nm(n, m);
  if (!state) return state.status();
  return run_column(*state, values);
}

}  // namespace mystocks::indicators
