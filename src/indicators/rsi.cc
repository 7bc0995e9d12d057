#include "indicators/rsi.h"

#include "indicators/batch.h"
#include "indicators/params.h"

namespace mystocks::indicators {

Result<RsiState> RsiState::create(int period, Convention convention) {
  MYSTOCKS_RETURN_IF_ERROR(check_period("n", period));
  if (convention == Convention::kTaLib) {
    return RsiState(EmaState::create_wilder(period).value(),
                    EmaState::create_wilder(period).value(), false);
  }
  return RsiState(EmaState::create_sma_nm(period, 1).value(),
                  EmaState::create_sma_nm(period, 1).value(), true);
}

Result<std::vector<double>> rsi(std::span<const double> close, int period, Convention convention) {
  auto state = RsiState::create(period, convention);
  if (!state) return state.status();
  return run_column(*state, close);
}

}  // namespace mystocks::indicators
