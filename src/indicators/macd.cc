#include "indicators/macd.h"

#include "indicators/params.h"

namespace mystocks::indicators {

Status validate(const MacdParams& params) {
  MYSTOCKS_RETURN_IF_ERROR(check_period("fast", params.fast));
  MYSTOCKS_RETURN_IF_ERROR(check_period("slow", params.slow));
  MYSTOCKS_RETURN_IF_ERROR(check_period("signal", params.signal));
  if (params.fast >= params.slow) {
    return field_error(ErrorCode::kInvalidArgument, "fast",
                       "parameter 'fast' is {}; it must be less than 'slow' ({})", params.fast,
                       params.slow);
  }
  return Status::ok();
}

Result<MacdState> MacdState::create(const MacdParams& params, Convention convention) {
  MYSTOCKS_RETURN_IF_ERROR(validate(params));
  const bool ta_lib = convention == Convention::kTaLib;
  return MacdState(EmaState::create(params.fast, convention).value(),
                   EmaState::create(params.slow, convention).value(),
                   EmaState::create(params.signal, convention).value(),
                   ta_lib ? params.slow - params.fast : 0, ta_lib ? 1.0 : 2.0);
}

Result<MacdColumns> macd(std::span<const double> close, const MacdParams& params,
                         Convention convention) {
  auto state = MacdState::create(params, convention);
  if (!state) return state.status();
  MacdColumns out{std::vector<double>(close.size()), std::vector<double>(close.size()),
                  std::vector<double>(close.size())};
  for (size_t bar_idx = 0; bar_idx < close.size(); ++bar_idx) {
    const MacdPoint point = state->update(close[bar_idx]);
    out.dif[bar_idx] = point.dif;
    out.dea[bar_idx] = point.dea;
    out.hist[bar_idx] = point.hist;
  }
  return out;
}

}  // namespace mystocks::indicators
