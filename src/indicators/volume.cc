#include "indicators/volume.h"

#include "indicators/batch.h"
#include "indicators/params.h"

namespace mystocks::indicators {

namespace {
constexpr FieldMask kHlcv = fields(Field::kHigh, Field::kLow, Field::kClose, Field::kVolume);
}  // namespace

Result<ObvState> ObvState::create(Convention convention) {
  return ObvState(convention == Convention::kChinaBroker);
}

Result<MfiState> MfiState::create(int period) {
  MYSTOCKS_RETURN_IF_ERROR(check_period("n", period));
  return MfiState(period);
}

VwapState::VwapState(int period) {
  if (period > 0) {
    window_value_.emplace(static_cast<size_t>(period));
    window_volume_.emplace(static_cast<size_t>(period));
  }
}

Result<VwapState> VwapState::create(int period) {
  MYSTOCKS_RETURN_IF_ERROR(check_period("n", period, 0));
  return VwapState(period);
}

Result<std::vector<double>> obv(const OhlcvColumns& bars, Convention convention) {
  constexpr FieldMask kCloseVolume = fields(Field::kClose, Field::kVolume);
  auto length = check_columns(bars, kCloseVolume);
  if (!length) return length.status();
  auto state = ObvState::create(convention);
  if (!state) return state.status();
  return run_bars_column<kCloseVolume>(*state, bars, *length);
}

Result<std::vector<double>> mfi(const OhlcvColumns& bars, int period) {
  auto length = check_columns(bars, kHlcv);
  if (!length) return length.status();
  auto state = MfiState::create(period);
  if (!state) return state.status();
  return run_bars_column<kHlcv>(*state, bars, *length);
}

Result<std::vector<double>> vwap(const OhlcvColumns& bars, int period) {
  auto length = check_columns(bars, kHlcv);
  if (!length) return length.status();
  auto state = VwapState::create(period);
  if (!state) return state.status();
  return run_bars_column<kHlcv>(*state, bars, *length);
}

}  // namespace mystocks::indicators
