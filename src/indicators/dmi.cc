#include "indicators/dmi.h"

#include "indicators/batch.h"
#include "indicators/params.h"

namespace mystocks::indicators {

Status validate(const DmiParams& params) {
  MYSTOCKS_RETURN_IF_ERROR(check_period("n", params.n));
  return check_period("m", params.m);
}

DmiState::DmiState(const DmiParams& params, bool china)
    : china_(china),
      period_(params.n),
      ta_adx_(EmaState::create_wilder(params.n).value()),
      // Windows of the convention not in use get one slot, to keep the state small.
      plus_window_(china ? params.n : 1),
      minus_window_(china ? params.n : 1),
      range_window_(china ? params.n : 1),
      china_adx_(SmaState::create(china ? params.m : 1).value()),
      adx_history_(static_cast<size_t>(china ? params.m + 1 : params.n)),
      adxr_lag_(static_cast<size_t>(china ? params.m : params.n - 1)) {}

Result<DmiState> DmiState::create(const DmiParams& params, Convention convention) {
  MYSTOCKS_RETURN_IF_ERROR(validate(params));
  return DmiState(params, convention == Convention::kChinaBroker);
}

DmiPoint DmiState::update_ta(double plus_dm, double minus_dm, double range) {
  ++movements_;
  if (movements_ < period_) {
    // TA-Lib seeds its Wilder sums with the plain sum of the first n-1 movements.
    plus_sum_ += plus_dm;
    minus_sum_ += minus_dm;
    range_sum_ += range;
    return {};
  }
  plus_sum_ = plus_sum_ - plus_sum_ / period_ + plus_dm;
  minus_sum_ = minus_sum_ - minus_sum_ / period_ + minus_dm;
  range_sum_ = range_sum_ - range_sum_ / period_ + range;
  DmiPoint point;
  if (range_sum_ > 0.0) {
    point.pdi = 100.0 * plus_sum_ / range_sum_;
    point.mdi = 100.0 * minus_sum_ / range_sum_;
  }
  point.adx = ta_adx_.update(directional_index(point.pdi, point.mdi));
  add_adxr(point);
  return point;
}

DmiPoint DmiState::update_china(double plus_dm, double minus_dm, double range) {
  plus_window_.push(plus_dm);
  minus_window_.push(minus_dm);
  range_window_.push(range);
  if (!range_window_.full()) return {};
  DmiPoint point;
  if (range_window_.sum() > 0.0) {
    point.pdi = 100.0 * plus_window_.sum() / range_window_.sum();
    point.mdi = 100.0 * minus_window_.sum() / range_window_.sum();
  }
  point.adx = china_adx_.update(directional_index(point.pdi, point.mdi));
  add_adxr(point);
  return point;
}

void DmiState::add_adxr(DmiPoint& point) {
  if (std::isnan(point.adx)) return;
  adx_history_.push(point.adx);
  if (adx_history_.size() > adxr_lag_) {
    point.adxr = (point.adx + adx_history_.ago(adxr_lag_)) / 2.0;
  }
}

Result<DmiColumns> dmi(const OhlcvColumns& bars, const DmiParams& params, Convention convention) {
  constexpr FieldMask kHlc = fields(Field::kHigh, Field::kLow, Field::kClose);
  auto length = check_columns(bars, kHlc);
  if (!length) return length.status();
  auto state = DmiState::create(params, convention);
  if (!state) return state.status();
  DmiColumns out{std::vector<double>(*length), std::vector<double>(*length),
                 std::vector<double>(*length), std::vector<double>(*length)};
  run_bars<kHlc>(*state, bars, *length, [&](size_t bar_idx, const DmiPoint& point) {
    out.pdi[bar_idx] = point.pdi;
    out.mdi[bar_idx] = point.mdi;
    out.adx[bar_idx] = point.adx;
    out.adxr[bar_idx] = point.adxr;
  });
  return out;
}

}  // namespace mystocks::indicators
