#include "indicators/ma_systems.h"

#include "indicators/params.h"

namespace mystocks::indicators {

namespace {

template <typename State>
PairColumns run_pairs(State& state, std::span<const double> values) {
  PairColumns out{std::vector<double>(values.size()), std::vector<double>(values.size())};
  for (size_t bar_idx = 0; bar_idx < values.size(); ++bar_idx) {
    const PairPoint point = state.update(values[bar_idx]);
    out.first[bar_idx] = point.first;
    out.second[bar_idx] = point.second;
  }
  return out;
}

}  // namespace

Result<ExpmaState> ExpmaState::create(const ExpmaParams& params, Convention convention) {
  MYSTOCKS_RETURN_IF_ERROR(check_period("n1", params.n1));
  MYSTOCKS_RETURN_IF_ERROR(check_period("n2", params.n2));
  return ExpmaState(EmaState::create(params.n1, convention).value(),
                    EmaState::create(params.n2, convention).value());
}

Result<DmaState> DmaState::create(const DmaParams& params) {
  MYSTOCKS_RETURN_IF_ERROR(check_period("n1", params.n1));
  MYSTOCKS_RETURN_IF_ERROR(check_period("n2", params.n2));
  MYSTOCKS_RETURN_IF_ERROR(check_period("m", params.m));
  return DmaState(SmaState::create(params.n1).value(), SmaState::create(params.n2).value(),
                  SmaState::create(params.m).value());
}

Result<VolMaState> VolMaState::create(const VolMaParams& params) {
  MYSTOCKS_RETURN_IF_ERROR(check_period("n1", params.n1));
  MYSTOCKS_RETURN_IF_ERROR(check_period("n2", params.n2));
  return VolMaState(SmaState::create(params.n1).value(), SmaState::create(params.n2).value());
}

Result<PairColumns> expma(std::span<const double> close, const ExpmaParams& params,
                          Convention convention) {
  auto state = ExpmaState::create(params, convention);
  if (!state) return state.status();
  return run_pairs(*state, close);
}

Result<PairColumns> dma(std::span<const double> close, const DmaParams& params) {
  auto state = DmaState::create(params);
  if (!state) return state.status();
  return run_pairs(*state, close);
}

Result<PairColumns> vol_ma(std::span<const double> volume, const VolMaParams& params) {
  auto state = VolMaState::create(params);
  if (!state) return state.status();
  return run_pairs(*state, volume);
}

}  // namespace mystocks::indicators
