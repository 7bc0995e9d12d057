// Paper-order admission rules (A-share trading rules, core/trading_rules.h): quantity per board
// (lot size, minimum, step, maximum per order), tick size 0.01 yuan, and the daily price band
// from the previous close. Each failure is a Status naming the field (quantity or price) and,
// in its message, the rule: "lot_size", "min_quantity", "max_quantity", "tick_size",
// "price_limit". Messages quote the price as the caller sent it (`shown`: the string, or the
// shortest form of the number), never a rounded or exponent form. Sells follow the buy rules.
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

// `price_mils` in 0.001 yuan: a whole number of cents, at least one cent. `shown` is the price
// as sent (the messages quote it); empty = the mils as a decimal.
Status check_tick(int64_t price_mils, std::string_view shown = {});

// REQUIRES: check_tick(price_mils) passed.
Status check_price_band(int64_t price_mils, const PriceLimits& band, int percent,
                        std::string_view shown = {});

// Parses a JSON price given as a number (10.5) or a decimal string ("10.50") into mils; more
// than three decimals or anything else is kInvalidDecimal naming `price`. A number with a
// fraction finer than a mil (10.0001) violates tick_size at once, never rounded onto a tick.
Result<int64_t> parse_price_mils(double number);
Result<int64_t> parse_price_mils(std::string_view text);

// A JSON number as the caller wrote it, as far as a double can tell: the shortest text that reads
// back as the same double ("26.1234", "100.5"; never "1.005E2").
std::string shortest_number(double number);

}  // namespace mystocks::api
