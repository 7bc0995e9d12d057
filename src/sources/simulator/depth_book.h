// DepthBook: the simulator's resting order book around one Level-1 snapshot, the book both the
// tick rows (bid/ask 1-5) and the order_book_depth rows carry.
// Invariants of every book: five levels a side at most, prices on the 0.01 tick grid, best bid <=
// last <= best ask and best bid < best ask, bids strictly descending and asks strictly ascending
// (one or two ticks apart), every price within the day's limits, every size a whole number of
// 100-share lots; a side ends early only at a limit (levels past it stay empty). At limit up the
// ask side is empty and buyers queue at the limit (a deep bid 1); at limit down the mirror.
// The book is a pure function of its arguments, so the same seed gives the same book in history,
// live and on replay. Pure functions: safe from any thread.
#pragma once

#include <array>
#include <cstdint>

#include "sources/simulator/price_rules.h"

namespace mystocks::sources {

inline constexpr int kBookLevels = 5;

struct BookLevel {
  int64_t price = 0;   // cents; 0 = no order at this level
  int64_t volume = 0;  // shares
};

struct DepthBook {
  std::array<BookLevel, kBookLevels> bids{};  // bids[0] = best (highest) bid
  std::array<BookLevel, kBookLevels> asks{};  // asks[0] = best (lowest) ask
};

// The book around `last` (cents) under `limits`; `level_lots` is the typical resting size of one
// level in lots (sizes vary from 0.2x to 1.8x of it); `draw_seed` keys every random draw.
// REQUIRES: limits.down <= last <= limits.up, level_lots >= 1.
DepthBook make_depth_book(int64_t last, const PriceLimits& limits, int64_t level_lots,
                          uint64_t draw_seed);

}  // namespace mystocks::sources
