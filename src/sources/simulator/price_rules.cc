#include "sources/simulator/price_rules.h"

#include <cmath>

namespace mystocks::sources {

std::string_view board_name(Board board) {
  switch (board) {
    case Board::kMain:
      return "main";
    case Board::kChiNext:
      return "chinext";
    case Board::kStar:
      return "star";
    case Board::kBse:
      return "bse";
  }
  return "main";
}

Board board_of(const Symbol& symbol) {
  if (symbol.exchange() == Exchange::kBJ) return Board::kBse;
  const std::string_view code = symbol.code();
  if (code.starts_with("300") || code.starts_with("301")) return Board::kChiNext;
  if (code.starts_with("688") || code.starts_with("689")) return Board::kStar;
  return Board::kMain;
}

int limit_percent(Board board, bool is_st) {
  switch (board) {
    case Board::kMain:
      return is_st ? 5 : 10;
    case Board::kChiNext:
    case Board::kStar:
      return 20;
    case Board::kBse:
      return 30;
  }
  return 10;
}

PriceLimits price_limits(int64_t pre_close_cents, int percent) {
  // pre_close * (100 +/- p) / 100, half up: exact in integers, no float rounding surprises.
  PriceLimits limits;
  limits.up = (pre_close_cents * (100 + percent) + 50) / 100;
  limits.down = (pre_close_cents * (100 - percent) + 50) / 100;
  if (limits.down < kTickCents) limits.down = kTickCents;
  return limits;
}

int64_t to_cents(double yuan) {
  const int64_t cents = static_cast<int64_t>(std::floor(yuan * 100.0 + 0.5));
  return cents < kTickCents ? kTickCents : cents;
}

}  // namespace mystocks::sources
