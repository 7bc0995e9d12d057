#include "indicators/sar.h"

#include <algorithm>

#include "indicators/batch.h"
#include "indicators/params.h"

namespace mystocks::indicators {

Status validate(const SarParams& params) {
  MYSTOCKS_RETURN_IF_ERROR(check_real("step", params.step, 0.001, 1.0));
  return check_real("max", params.max, 0.001, 1.0);
}

Result<SarState> SarState::create(const SarParams& params) {
  MYSTOCKS_RETURN_IF_ERROR(validate(params));
  return SarState(std::min(params.step, params.max), params.max);
}

void SarState::start(double high, double low) {
  const double up = high - previous_high_;
  const double down = previous_low_ - low;
  long_ = !(down > 0.0 && up < down);
  if (long_) {
    extreme_ = high;
    sar_ = previous_low_;
  } else {
    extreme_ = low;
    sar_ = previous_high_;
  }
  acceleration_ = step_;
  previous_high_ = high;
  previous_low_ = low;
}

double SarState::step(double high, double low) {
  const double prev_high = previous_high_;
  const double prev_low = previous_low_;
  double out = 0.0;
  if (long_) {
    if (low <= sar_) {  // reversal to short: the SAR jumps to the extreme
      long_ = false;
      sar_ = std::max({extreme_, prev_high, high});
      out = sar_;
      acceleration_ = step_;
      extreme_ = low;
      sar_ = std::max({sar_ + acceleration_ * (extreme_ - sar_), prev_high, high});
    } else {
      out = sar_;
      if (high > extreme_) {
        extreme_ = high;
        acceleration_ = std::min(acceleration_ + step_, max_);
      }
      sar_ = std::min({sar_ + acceleration_ * (extreme_ - sar_), prev_low, low});
    }
  } else {
    if (high >= sar_) {  // reversal to long
      long_ = true;
      sar_ = std::min({extreme_, prev_low, low});
      out = sar_;
      acceleration_ = step_;
      extreme_ = high;
      sar_ = std::min({sar_ + acceleration_ * (extreme_ - sar_), prev_low, low});
    } else {
      out = sar_;
      if (low < extreme_) {
        extreme_ = low;
        acceleration_ = std::min(acceleration_ + step_, max_);
      }
      sar_ = std::max({sar_ + acceleration_ * (extreme_ - sar_), prev_high, high});
    }
  }
  return out;
}

Result<std::vector<double>> sar(const OhlcvColumns& bars, const SarParams& params) {
  constexpr FieldMask kHighLow = fields(Field::kHigh, Field::kLow);
  auto length = check_columns(bars, kHighLow);
  if (!length) return length.status();
  auto state = SarState::create(params);
  if (!state) return state.status();
  return run_bars_column<kHighLow>(*state, bars, *length);
}

}  // namespace mystocks::indicators
