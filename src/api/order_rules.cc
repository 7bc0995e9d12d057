#include "api/order_rules.h"

#include <cmath>

#include "core/decimal.h"

namespace mystocks::api {

namespace {

std::string yuan(int64_t cents) { return Decimal(cents, 2).to_string(); }

}  // namespace

Status check_quantity(Board board, OrderType type, int64_t quantity) {
  const QuantityRule rule = quantity_rule(board);
  const std::string_view board_text = board_name(board);
  if (quantity < rule.min_shares) {
    return field_error(ErrorCode::kInvalidArgument, "quantity",
                       "quantity {} violates rule min_quantity: orders on the {} board are at "
                       "least {} shares",
                       quantity, board_text, rule.min_shares);
  }
  const int64_t max = type == OrderType::kLimit ? rule.max_limit_order : rule.max_market_order;
  if (quantity > max) {
    return field_error(ErrorCode::kInvalidArgument, "quantity",
                       "quantity {} violates rule max_quantity: {} orders on the {} board are at "
                       "most {} shares",
                       quantity, type == OrderType::kLimit ? "limit" : "market", board_text, max);
  }
  if (rule.step_shares > 1 && quantity % rule.step_shares != 0) {
    return field_error(ErrorCode::kInvalidArgument, "quantity",
                       "quantity {} violates rule lot_size: orders on the {} board are whole "
                       "lots, multiples of {} shares",
                       quantity, board_text, rule.step_shares);
  }
  return Status::ok();
}

std::string shortest_number(double number) { return fmt::format("{}", number); }

Status check_tick(int64_t price_mils, std::string_view shown) {
  if (price_mils <= 0 || price_mils % kMilsPerCent != 0) {
    return field_error(ErrorCode::kInvalidArgument, "price",
                       "price {} violates rule tick_size: prices are positive multiples of "
                       "0.01 yuan",
                       shown.empty() ? Decimal(price_mils, 3).to_string() : std::string(shown));
  }
  return Status::ok();
}

Status check_price_band(int64_t price_mils, const PriceLimits& band, int percent,
                        std::string_view shown) {
  const int64_t cents = price_mils / kMilsPerCent;
  if (cents < band.down || cents > band.up) {
    return field_error(ErrorCode::kOutOfRange, "price",
                       "price {} violates rule price_limit: today's band is {} to {} yuan "
                       "(+/-{}% of the previous close)",
                       shown.empty() ? yuan(cents) : std::string(shown), yuan(band.down),
                       yuan(band.up), percent);
  }
  return Status::ok();
}

Result<int64_t> parse_price_mils(double number) {
  if (!std::isfinite(number)) {
    return field_error(ErrorCode::kInvalidDecimal, "price", "price must be a finite number");
  }
  const double mils = number * 1000.0;
  const double rounded = std::round(mils);
  if (std::fabs(rounded) > 9e15) {
    return field_error(ErrorCode::kInvalidDecimal, "price", "price {} is too large",
                       shortest_number(number));
  }
  // A fraction finer than a mil (10.0001) is never rounded onto a tick.
  if (std::fabs(mils - rounded) > 1e-6) {
    return field_error(ErrorCode::kInvalidArgument, "price",
                       "price {} violates rule tick_size: prices are positive multiples of "
                       "0.01 yuan",
                       shortest_number(number));
  }
  return static_cast<int64_t>(rounded);
}

Result<int64_t> parse_price_mils(std::string_view text) {
  Result<Decimal> decimal = Decimal::parse(text, kOrderPriceScale, "price");
  if (!decimal.is_ok()) return decimal.status();
  return decimal->units();
}

}  // namespace mystocks::api
