#include "indicators/volatility.h"

#include "indicators/batch.h"
#include "indicators/params.h"

namespace mystocks::indicators {

Status validate(const BollParams& params) {
  // A one-bar window has no sample deviation; TA-Lib also starts at 2.
  MYSTOCKS_RETURN_IF_ERROR(check_period("n", params.n, 2));
  return check_real("width", params.width, 0.0, 100.0);
}

Result<BollState> BollState::create(const BollParams& params, Convention convention) {
  MYSTOCKS_RETURN_IF_ERROR(validate(params));
  return BollState(params, convention == Convention::kTaLib ? params.n : params.n - 1.0);
}

Result<AtrState> AtrState::create(int period, Convention convention) {
  MYSTOCKS_RETURN_IF_ERROR(check_period("n", period));
  std::optional<SmaState> china;
  if (convention == Convention::kChinaBroker) china = SmaState::create(period).value();
  return AtrState(EmaState::create_wilder(period).value(), std::move(china));
}

Result<BollColumns> boll(std::span<const double> close, const BollParams& params,
                         Convention convention) {
  auto state = BollState::create(params, convention);
  if (!state) return state.status();
  BollColumns out{std::vector<double>(close.size()), std::vector<double>(close.size()),
                  std::vector<double>(close.size())};
  for (size_t bar_idx = 0; bar_idx < close.size(); ++bar_idx) {
    const BollPoint point = state->update(close[bar_idx]);
    out.mid[bar_idx] = point.mid;
    out.upper[bar_idx] = point.upper;
    out.lower[bar_idx] = point.lower;
  }
  return out;
}

Result<std::vector<double>> atr(const OhlcvColumns& bars, int period, Convention convention) {
  constexpr FieldMask kHlc = fields(Field::kHigh, Field::kLow, Field::kClose);
  auto length = check_columns(bars, kHlc);
  if (!length) return length.status();
  auto state = AtrState::create(period, convention);
  if (!state) return state.status();
  return run_bars_column<kHlc>(*state, bars, *length);
}

}  // namespace mystocks::indicators
