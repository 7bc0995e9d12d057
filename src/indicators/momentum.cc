#include "indicators/momentum.h"

#include "indicators/batch.h"
#include "indicators/params.h"

namespace mystocks::indicators {

namespace {

template <typename State>
LineColumns run_lines(State& state, std::span<const double> close) {
  LineColumns out{std::vector<double>(close.size()), std::vector<double>(close.size())};
  for (size_t bar_idx = 0; bar_idx < close.size(); ++bar_idx) {
    const LinePoint point = state.update(close[bar_idx]);
    out.value[bar_idx] = point.value;
    out.average[bar_idx] = point.average;
  }
  return out;
}

}  // namespace

Result<RocState> RocState::create(const RocParams& params) {
  MYSTOCKS_RETURN_IF_ERROR(check_period("n", params.n));
  MYSTOCKS_RETURN_IF_ERROR(check_period("m", params.m));
  return RocState(params, SmaState::create(params.m).value());
}

Result<BiasState> BiasState::create(int period) {
  auto average = SmaState::create(period);
  if (!average) return average.status();
  return BiasState(std::move(average).value());
}

Result<PsyState> PsyState::create(const PsyParams& params) {
  MYSTOCKS_RETURN_IF_ERROR(check_period("n", params.n));
  MYSTOCKS_RETURN_IF_ERROR(check_period("m", params.m));
  return PsyState(params, SmaState::create(params.m).value());
}

Result<CciState> CciState::create(int period) {
  MYSTOCKS_RETURN_IF_ERROR(check_period("n", period));
  return CciState(period);
}

Result<TrixState> TrixState::create(const TrixParams& params, Convention convention) {
  MYSTOCKS_RETURN_IF_ERROR(check_period("n", params.n));
  MYSTOCKS_RETURN_IF_ERROR(check_period("m", params.m));
  return TrixState(EmaState::create(params.n, convention).value(),
                   EmaState::create(params.n, convention).value(),
                   EmaState::create(params.n, convention).value(),
                   SmaState::create(params.m).value());
}

Result<LineColumns> roc(std::span<const double> close, const RocParams& params) {
  auto state = RocState::create(params);
  if (!state) return state.status();
  return run_lines(*state, close);
}

Result<std::vector<double>> bias(std::span<const double> close, int period) {
  auto state = BiasState::create(period);
  if (!state) return state.status();
  return run_column(*state, close);
}

Result<LineColumns> psy(std::span<const double> close, const PsyParams& params) {
  auto state = PsyState::create(params);
  if (!state) return state.status();
  return run_lines(*state, close);
}

Result<std::vector<double>> cci(const OhlcvColumns& bars, int period) {
  constexpr FieldMask kHlc = fields(Field::kHigh, Field::kLow, Field::kClose);
  auto length = check_columns(bars, kHlc);
  if (!length) return length.status();
  auto state = CciState::create(period);
  if (!state) return state.status();
  return run_bars_column<kHlc>(*state, bars, *length);
}

Result<LineColumns> trix(std::span<const double> close, const TrixParams& params,
                         Convention convention) {
  auto state = TrixState::create(params, convention);
  if (!state) return state.status();
  return run_lines(*state, close);
}

}  // namespace mystocks::indicators
