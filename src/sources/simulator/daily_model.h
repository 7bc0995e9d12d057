// The simulator's day-level model. A market factor (opening gap and close-to-close log return per
// trading day, with fat tails) drives every security through its beta; each security adds its
// own noise, occasional news jumps, weak mean reversion towards its initial price, suspensions
// and a listing date, and its open and close are clamped to the day's price limits. Indices are
// chain-linked free-float-cap-weighted averages of their members, so they move with them.
// Day d is the d-th trading day of the calendar; a path is computed from day 0 in one sequential
// stream per security, so day d never depends on which range was requested.
// Immutable values and pure functions: safe from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "core/timestamp.h"
#include "sources/simulator/price_rules.h"
#include "sources/simulator/trading_calendar.h"
#include "sources/simulator/universe.h"

namespace mystocks::sources {

class MarketFactor {
 public:
  MarketFactor(uint64_t seed, const TradingCalendar& calendar);

  int days() const { return static_cast<int>(gap_.size()); }
  double gap(int day) const { return gap_[day]; }
  double close_return(int day) const { return return_[day]; }
  // The market's intraday log move relative to the open-to-close line, at each minute boundary
  // m = 0..240 (0 at 09:30 and 15:00): shared by every security, so they co-move within the day.
  std::array<double, kTradingMinutesPerDay + 1> intraday_bridge(int day) const;

 private:
  uint64_t seed_;
  std::vector<double> gap_;
  std::vector<double> return_;
};

struct StockDay {
  int64_t pre_close = 0;  // cents; the last close before the day (also on non-trading days)
  int64_t open = 0;       // cents
  int64_t close = 0;      // cents
  int64_t volume = 0;     // shares, a multiple of kLotShares
  PriceLimits limits;
  bool trading = false;  // false while suspended or not yet listed: no bars, no ticks
};

// Days 0..last_day of `security` (index `security_index` in its universe) into `out`.
void simulate_stock_days(const SecurityInfo& security, uint32_t security_index,
                         const MarketFactor& market, const TradingCalendar& calendar, uint64_t seed,
                         int last_day, std::vector<StockDay>& out);

struct IndexDay {
  int64_t pre_close = 0;  // cents of a point
  int64_t open = 0;
  int64_t close = 0;
  int64_t volume = 0;  // shares traded by the members
  int64_t amount = 0;  // cents, members' volume times their mid price (open+close)/2
};

// Days 0..last_day of `index`; `member_days[k]` is the path of index.members[k].
std::vector<IndexDay> simulate_index_days(const IndexInfo& index, const Universe& universe,
                                          const TradingCalendar& calendar,
                                          const std::vector<std::vector<StockDay>>& member_days,
                                          int last_day);

// Free-float weights (percent, summing to 100) of the members trading or listed on `day`.
std::vector<double> member_weights(const IndexInfo& index, const Universe& universe,
                                   const TradingCalendar& calendar,
                                   const std::vector<std::vector<StockDay>>& member_days, int day);

}  // namespace mystocks::sources
