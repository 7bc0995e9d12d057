// Paper-order admission rules (A-share trading rules, core/trading_rules.h): quantity per board
// (lot size, minimum, step, maximum per order), tick size 0.01 yuan, and the daily price band
// from the previous close. Each failure is a Status naming the field (quantity or price) and,
// in its message, the rule: "lot_size", "min_quantity", "max_quantity", "tick_size",
// "price_limit". Sells follow the buy rules: odd-lot sells of a remaining position need
// positions, which paper trading does not track yet.
// Pure functions: safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/status.h"
#include "core/trading_rules.h"

namespace mystocks::api {

enum class OrderSide : uint8_t { kBuy, kSell };
enum class OrderType : uint8_t { kLimit, kMarket };

// Prices of the orders table are decimal(3): units of 0.001 yuan.
inline constexpr int kOrderPriceScale = 3;
inline constexpr int64_t kMilsPerCent = 10;

Status check_quantity(Board board, OrderType type, int64_t quantity);

// `price_mils` in 0.001 yuan: a whole number of cents, at least one cent.
Status check_tick(int64_t price_mils);

// REQUIRES: check_tick(price_mils) passed.
Status check_price_band(int64_t price_mils, const PriceLimits& band, int percent);

// Parses a JSON price given as a number (10.5) or a decimal string ("10.50") into mils; more
// than three decimals or anything else is kInvalidDecimal naming `field`. A number with a
// fraction finer than a mil fails check_tick afterwards (it is rounded to a non-cent mil value
// at most one mil away, never silently onto a valid tick).
Result<int64_t> parse_price_mils(double number);
Result<int64_t> parse_price_mils(std::string_view text);

}  // namespace mystocks::api
