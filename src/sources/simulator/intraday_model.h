// The simulator's minute-level model of one trading day of a security or index. The path runs
// from the day's open to its close as a bridge: the open-to-close line, plus the market's shared
// intraday bridge times beta, plus the security's own bridge, clamped to the price limits. Volume
// follows the U-shaped A-share intraday profile; the opening call auction's match is part of the
// first minute. Ticks are generated from this plan (tick_generator.h), and daily bars are its
// aggregate, so ticks, minute bars and daily bars agree exactly.
// Turnover: a minute's amount is its volume times (open + high + low + close) / 4, exact in cents;
// the simulator does not model individual trade prices inside a minute.
// Pure functions and value types: safe from any thread.
#pragma once

#include <array>
#include <cstdint>

#include "core/timestamp.h"
#include "sources/simulator/daily_model.h"
#include "sources/simulator/universe.h"

namespace mystocks::sources {

struct MinuteBar {
  int64_t open = 0;  // cents
  int64_t high = 0;
  int64_t low = 0;
  int64_t close = 0;
  int64_t volume = 0;  // shares
  int64_t amount = 0;  // cents
  int64_t trades = 0;
};

inline constexpr int kMinutes = kTradingMinutesPerDay;

struct DayPlan {
  Date date{};
  int day = 0;            // trading-day index in the calendar
  int64_t pre_close = 0;  // cents
  PriceLimits limits;     // indices: effectively unbounded
  bool has_limits = true;
  int64_t auction_volume = 0;  // shares matched at 09:25 (included in minutes[0])
  int64_t auction_amount = 0;  // cents
  int64_t auction_trades = 0;
  std::array<MinuteBar, kMinutes> minutes{};
  // Day totals before minute m (m = 0..kMinutes; [kMinutes] is the whole day). The auction's
  // match counts as before minute 0. high/low are the day's extremes so far.
  std::array<int64_t, kMinutes + 1> volume_before{};
  std::array<int64_t, kMinutes + 1> amount_before{};
  std::array<int64_t, kMinutes + 1> trades_before{};
  std::array<int64_t, kMinutes + 1> high_before{};
  std::array<int64_t, kMinutes + 1> low_before{};

  int64_t open() const { return minutes[0].open; }
  int64_t close() const { return minutes[kMinutes - 1].close; }
  // The day as one bar: open, max high, min low, close, summed volume, amount and trades.
  MinuteBar daily() const;
};

// The market's intraday bridge of a day (MarketFactor::intraday_bridge), shared by every plan
// of that day; callers planning many securities compute it once.
using MarketBridge = std::array<double, kMinutes + 1>;

// REQUIRES: day.trading.
DayPlan plan_stock_day(const SecurityInfo& security, uint32_t security_index, const StockDay& day,
                       const MarketBridge& market, uint64_t seed, int day_index, Date date);

DayPlan plan_index_day(const IndexInfo& index, uint32_t index_number, const IndexDay& day,
                       const MarketBridge& market, uint64_t seed, int day_index, Date date);

// Aggregates consecutive minutes [first, first + count) into one bar.
MinuteBar aggregate_minutes(const DayPlan& plan, int first, int count);

}  // namespace mystocks::sources
