// The A-share trading rules the simulator obeys. The rules themselves (boards, tick size, lots,
// daily price limits) live in core/trading_rules.h, shared with paper-order validation; this
// header brings them into mystocks::sources and adds the simulator's own cent helpers.
// Pure functions: safe from any thread.
#pragma once

#include <cstdint>

#include "core/trading_rules.h"

namespace mystocks::sources {

using mystocks::Board;
using mystocks::board_name;
using mystocks::board_of;
using mystocks::kLotShares;
using mystocks::kTickCents;
using mystocks::limit_percent;
using mystocks::price_limits;
using mystocks::PriceLimits;

// Rounds a price in yuan to the nearest cent (half up), at least one tick.
int64_t to_cents(double yuan);

inline int64_t clamp_to_limits(int64_t cents, const PriceLimits& limits) {
  return cents < limits.down ? limits.down : (cents > limits.up ? limits.up : cents);
}

}  // namespace mystocks::sources
