// TradingCalendar: which dates the SH, SZ and BJ exchanges trade (all three share one calendar):
// weekdays except the market closures the exchanges announce each December ("关于20XX年部分节假日
// 休市安排的通知" of SSE/SZSE/BSE, following the State Council's public-holiday arrangement).
// Adjusted working weekends are not trading days. The closures are listed as announced for
// 2020-2026; 2027-2030 use projected closures (the fixed holidays plus the lunar festivals around
// their Gregorian dates) so the simulator and the demo keep working past the last notice; dates
// outside 2020-2030 are kOutOfRange, never guessed.
// Immutable after construction: safe to share between threads.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/status.h"
#include "core/timestamp.h"

namespace mystocks::sources {

class TradingCalendar {
 public:
  // The built-in calendar (holiday list in trading_calendar.cc).
  static const TradingCalendar& china_a_shares();

  Date first_date() const { return first_; }  // 2020-01-01
  Date last_date() const { return last_; }    // 2030-12-31 (closures after 2026 projected)
  bool covers(Date date) const { return first_ <= date && date <= last_; }
  // kOutOfRange naming the covered years unless [from, to] lies within them.
  Status check_covered(Date from, Date to) const;

  // False outside the covered range.
  bool is_trading_day(Date date) const;
  // All trading days, ascending.
  const std::vector<Date>& trading_days() const { return trading_days_; }
  // Index of `date` in trading_days(), or -1 when it is not a trading day.
  int day_index(Date date) const;
  // Index of the first trading day >= date (trading_days().size() when none).
  int lower_index(Date date) const;
  // The trading day before `date` (any date), if covered.
  std::optional<Date> previous_trading_day(Date date) const;
  // The first trading day >= `date`, if covered.
  std::optional<Date> next_trading_day(Date date) const;

 private:
  TradingCalendar();

  Date first_;
  Date last_;
  std::vector<Date> trading_days_;
  std::vector<int32_t> index_by_offset_;  // per calendar day since first_: day index or -1
};

}  // namespace mystocks::sources
