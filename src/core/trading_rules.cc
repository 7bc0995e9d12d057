#include "core/trading_rules.h"

namespace mystocks {

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

QuantityRule quantity_rule(Board board) {
  switch (board) {
    case Board::kMain:
      return {kLotShares, kLotShares, 1'000'000, 1'000'000};
    case Board::kChiNext:
      return {kLotShares, kLotShares, 300'000, 150'000};
    case Board::kStar:
      return {200, 1, 100'000, 50'000};
    case Board::kBse:
      return {kLotShares, 1, 1'000'000, 1'000'000};
  }
  return {};
}

}  // namespace mystocks
