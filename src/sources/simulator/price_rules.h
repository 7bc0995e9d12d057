// A-share trading rules the simulator obeys: boards by code, tick size 0.01 yuan, board lots of
// 100 shares, and daily price limits (SSE/SZSE/BSE trading rules): +/-10 % on the main boards,
// +/-5 % for ST shares there, +/-20 % on ChiNext (300/301) and STAR (688/689) including ST, and
// +/-30 % on the Beijing exchange. The limit price is the previous close times (1 +/- limit),
// rounded half up to the cent. Prices inside the simulator are integer cents.
// Pure functions: safe from any thread.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/symbol.h"

namespace mystocks::sources {

inline constexpr int64_t kTickCents = 1;    // 0.01 yuan
inline constexpr int64_t kLotShares = 100;  // one board lot

enum class Board : uint8_t { kMain, kChiNext, kStar, kBse };

std::string_view board_name(Board board);  // "main", "chinext", "star", "bse" (symbols.board)
Board board_of(const Symbol& symbol);

// Daily limit in percent of the previous close.
int limit_percent(Board board, bool is_st);

struct PriceLimits {
  int64_t down = 0;  // cents
  int64_t up = 0;    // cents
};

PriceLimits price_limits(int64_t pre_close_cents, int percent);

// Rounds a price in yuan to the nearest cent (half up), at least one tick.
int64_t to_cents(double yuan);

inline int64_t clamp_to_limits(int64_t cents, const PriceLimits& limits) {
  return cents < limits.down ? limits.down : (cents > limits.up ? limits.up : cents);
}

}  // namespace mystocks::sources
