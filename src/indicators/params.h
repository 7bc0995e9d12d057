// Parameter checks shared by every indicator, so each bad value is reported the same way: a
// kInvalidArgument Status naming the parameter, the value and the accepted range.
// Thread-safety: pure functions, safe from any thread.
#pragma once

#include <string_view>

#include "core/status.h"

namespace mystocks::indicators {

// Window lengths in bars. The upper bound keeps ring buffers within a few MB per state.
inline constexpr int kMinPeriod = 1;
inline constexpr int kMaxPeriod = 100000;

// OK when min <= value <= kMaxPeriod.
Status check_period(std::string_view name, int value, int min = kMinPeriod);

// OK when min <= value <= max and value is finite.
Status check_real(std::string_view name, double value, double min, double max);

}  // namespace mystocks::indicators
