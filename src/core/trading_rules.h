// A-share trading rules shared by the market simulator and paper-order validation (SSE/SZSE/BSE
// trading rules): boards by code, tick size 0.01 yuan, board lots, and daily price limits of
// +/-10 % on the main boards, +/-5 % for ST shares there, +/-20 % on ChiNext (300/301) and STAR
// (688/689) including ST, and +/-30 % on the Beijing exchange. A limit price is the previous
// close times (1 +/- limit), rounded half up to the cent. Prices here are integer cents.
// Pure functions: safe from any thread.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/symbol.h"

namespace mystocks {

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

// How many shares one order may ask for: at least `min_shares`, then in steps of `step_shares`,
// at most `max_limit_order` (limit orders) or `max_market_order` (market orders).
//   main board, ChiNext: 100 minimum, steps of 100 (whole lots)
//   STAR (688/689):      200 minimum, then steps of 1 share
//   Beijing (BSE):       100 minimum, then steps of 1 share
// Maxima per order: main 1,000,000 (limit and market); ChiNext 300,000 limit / 150,000 market;
// STAR 100,000 limit / 50,000 market; BSE 1,000,000.
struct QuantityRule {
  int64_t min_shares = kLotShares;
  int64_t step_shares = kLotShares;
  int64_t max_limit_order = 1'000'000;
  int64_t max_market_order = 1'000'000;
};

QuantityRule quantity_rule(Board board);

}  // namespace mystocks
