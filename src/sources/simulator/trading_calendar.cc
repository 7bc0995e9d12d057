#include "sources/simulator/trading_calendar.h"

#include <algorithm>
#include <optional>

namespace mystocks::sources {
namespace {

struct Closure {
  int year;
  unsigned first_month, first_day, last_month, last_day;
};

// Market closures as announced by the exchanges (weekends inside a range are closed anyway).
// 2020's Spring Festival closure was extended to 2 February by the epidemic notice.
// clang-format off
constexpr Closure kClosures[] = {
    {2020, 1, 1, 1, 1},   {2020, 1, 24, 2, 2},  {2020, 4, 4, 4, 6},   {2020, 5, 1, 5, 5},
    {2020, 6, 25, 6, 27}, {2020, 10, 1, 10, 8},
    {2021, 1, 1, 1, 3},   {2021, 2, 11, 2, 17}, {2021, 4, 3, 4, 5},   {2021, 5, 1, 5, 5},
    {2021, 6, 12, 6, 14}, {2021, 9, 19, 9, 21}, {2021, 10, 1, 10, 7},
    {2022, 1, 1, 1, 3},   {2022, 1, 31, 2, 6},  {2022, 4, 3, 4, 5},   {2022, 4, 30, 5, 4},
    {2022, 6, 3, 6, 5},   {2022, 9, 10, 9, 12}, {2022, 10, 1, 10, 7},
    {2023, 1, 1, 1, 2},   {2023, 1, 21, 1, 27}, {2023, 4, 5, 4, 5},   {2023, 4, 29, 5, 3},
    {2023, 6, 22, 6, 24}, {2023, 9, 29, 10, 6},
    {2024, 1, 1, 1, 1},   {2024, 2, 9, 2, 17},  {2024, 4, 4, 4, 6},   {2024, 5, 1, 5, 5},
    {2024, 6, 10, 6, 10}, {2024, 9, 15, 9, 17}, {2024, 10, 1, 10, 7},
    {2025, 1, 1, 1, 1},   {2025, 1, 28, 2, 4},  {2025, 4, 4, 4, 6},   {2025, 5, 1, 5, 5},
    {2025, 5, 31, 6, 2},  {2025, 10, 1, 10, 8},
    {2026, 1, 1, 1, 3},   {2026, 2, 15, 2, 23}, {2026, 4, 4, 4, 6},   {2026, 5, 1, 5, 5},
    {2026, 6, 19, 6, 21}, {2026, 9, 25, 9, 27}, {2026, 10, 1, 10, 7},
    // Projected, not announced: the exchanges publish a year's closures in its preceding
    // December. New Year's Day, Labour Day (1-5 May), National Day (1-7 Oct), and the lunar
    // festivals around their Gregorian dates (Spring Festival: eve to the 6th day; Qingming,
    // Dragon Boat and Mid-Autumn: the festival and the day after). Replace each year's rows
    // with the notice once it is out.
    {2027, 1, 1, 1, 1},   {2027, 2, 5, 2, 12},  {2027, 4, 5, 4, 6},   {2027, 5, 1, 5, 5},
    {2027, 6, 9, 6, 10},  {2027, 9, 15, 9, 16}, {2027, 10, 1, 10, 7},
    {2028, 1, 1, 1, 1},   {2028, 1, 25, 2, 1},  {2028, 4, 4, 4, 5},   {2028, 5, 1, 5, 5},
    {2028, 5, 28, 5, 29}, {2028, 10, 1, 10, 7},
    {2029, 1, 1, 1, 1},   {2029, 2, 12, 2, 19}, {2029, 4, 4, 4, 5},   {2029, 5, 1, 5, 5},
    {2029, 6, 16, 6, 17}, {2029, 9, 22, 9, 23}, {2029, 10, 1, 10, 7},
    {2030, 1, 1, 1, 1},   {2030, 2, 2, 2, 9},   {2030, 4, 5, 4, 6},   {2030, 5, 1, 5, 5},
    {2030, 6, 5, 6, 6},   {2030, 9, 12, 9, 13}, {2030, 10, 1, 10, 7},
};
// clang-format on

constexpr int kFirstYear = 2020;
constexpr int kLastAnnouncedYear = 2026;  // later years are projected (see kClosures)
constexpr int kLastYear = 2030;

}  // namespace

const TradingCalendar& TradingCalendar::china_a_shares() {
  static const TradingCalendar calendar;
  return calendar;
}

TradingCalendar::TradingCalendar()
    : first_(Date::from_ymd(kFirstYear, 1, 1)), last_(Date::from_ymd(kLastYear, 12, 31)) {
  const int32_t span = last_.days - first_.days + 1;
  std::vector<bool> closed(static_cast<size_t>(span), false);
  for (const Closure& closure : kClosures) {
    const Date begin = Date::from_ymd(closure.year, closure.first_month, closure.first_day);
    const Date end = Date::from_ymd(closure.year, closure.last_month, closure.last_day);
    for (int32_t day = begin.days; day <= end.days; ++day) closed[day - first_.days] = true;
  }
  index_by_offset_.assign(static_cast<size_t>(span), -1);
  for (int32_t offset = 0; offset < span; ++offset) {
    const Date date{first_.days + offset};
    if (date.is_weekend() || closed[offset]) continue;
    index_by_offset_[offset] = static_cast<int32_t>(trading_days_.size());
    trading_days_.push_back(date);
  }
}

Status TradingCalendar::check_covered(Date from, Date to) const {
  if (covers(from) && covers(to)) return Status::ok();
  const Date outside = covers(from) ? to : from;
  return field_error(ErrorCode::kOutOfRange, covers(from) ? "to" : "from",
                     "date {} is outside the trading calendar, which covers {} to {} (the "
                     "exchanges' closure notices for {}-{}, projected closures after)",
                     outside.to_string(), first_.to_string(), last_.to_string(), kFirstYear,
                     kLastAnnouncedYear);
}

bool TradingCalendar::is_trading_day(Date date) const { return day_index(date) >= 0; }

int TradingCalendar::day_index(Date date) const {
  if (!covers(date)) return -1;
  return index_by_offset_[date.days - first_.days];
}

int TradingCalendar::lower_index(Date date) const {
  auto it = std::lower_bound(trading_days_.begin(), trading_days_.end(), date);
  return static_cast<int>(it - trading_days_.begin());
}

std::optional<Date> TradingCalendar::previous_trading_day(Date date) const {
  const int index = lower_index(date);
  if (index == 0 || !covers(date)) return std::nullopt;
  return trading_days_[index - 1];
}

std::optional<Date> TradingCalendar::next_trading_day(Date date) const {
  const int index = lower_index(date);
  if (index >= static_cast<int>(trading_days_.size())) return std::nullopt;
  return trading_days_[index];
}

}  // namespace mystocks::sources
