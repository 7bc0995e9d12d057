#include "core/timestamp.h"

#include <charconv>
#include <chrono>

#include <fmt/format.h>

namespace mystocks {
namespace {

namespace chr = std::chrono;

chr::year_month_day to_ymd(Date date) {
  return chr::year_month_day{chr::sys_days{chr::days{date.days}}};
}

int64_t floor_div(int64_t value, int64_t divisor) {
  int64_t quotient = value / divisor;
  if ((value % divisor != 0) && ((value < 0) != (divisor < 0))) --quotient;
  return quotient;
}

bool parse_digits(std::string_view text, int& out) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

constexpr int64_t kMorningOpen = (9 * 60 + 30) * kMillisPerMinute;
constexpr int64_t kMorningClose = (11 * 60 + 30) * kMillisPerMinute;
constexpr int64_t kAfternoonOpen = 13 * 60 * kMillisPerMinute;
constexpr int64_t kAfternoonClose = 15 * 60 * kMillisPerMinute;
constexpr int64_t kAuctionOpen = (9 * 60 + 15) * kMillisPerMinute;
constexpr int64_t kAuctionClose = (9 * 60 + 25) * kMillisPerMinute;

}  // namespace

Date Date::from_ymd(int year, unsigned month, unsigned day) {
  chr::sys_days days{chr::year{year} / chr::month{month} / chr::day{day}};
  return Date{static_cast<int32_t>(days.time_since_epoch().count())};
}

int Date::year() const { return static_cast<int>(to_ymd(*this).year()); }
unsigned Date::month() const { return static_cast<unsigned>(to_ymd(*this).month()); }
unsigned Date::day() const { return static_cast<unsigned>(to_ymd(*this).day()); }
unsigned Date::weekday() const {
  return chr::weekday{chr::sys_days{chr::days{days}}}.c_encoding();
}

std::string Date::to_string() const {
  return fmt::format("{:04}-{:02}-{:02}", year(), month(), day());
}

Result<Date> parse_date(std::string_view text, std::string_view field) {
  int year = 0;
  int month = 0;
  int day = 0;
  bool shaped = false;
  if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
    shaped = parse_digits(text.substr(0, 4), year) && parse_digits(text.substr(5, 2), month) &&
             parse_digits(text.substr(8, 2), day);
  } else if (text.size() == 8) {
    shaped = parse_digits(text.substr(0, 4), year) && parse_digits(text.substr(4, 2), month) &&
             parse_digits(text.substr(6, 2), day);
  }
  if (!shaped) {
    return field_error(ErrorCode::kInvalidTimestamp, std::string(field),
                       "{} '{}' is not a date: expected YYYY-MM-DD or YYYYMMDD", field, text);
  }
  chr::year_month_day ymd{chr::year{year}, chr::month{static_cast<unsigned>(month)},
                          chr::day{static_cast<unsigned>(day)}};
  if (!ymd.ok() || year < 1900 || year > 2200) {
    return field_error(ErrorCode::kInvalidTimestamp, std::string(field),
                       "{} '{}' is not a valid calendar date between 1900 and 2200", field, text);
  }
  return Date::from_ymd(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
}

Result<TimestampMs> parse_timestamp(std::string_view text, std::string_view field) {
  auto reject = [&] {
    return field_error(ErrorCode::kInvalidTimestamp, std::string(field),
                       "{} '{}' is not a time: expected epoch milliseconds, YYYY-MM-DD, "
                       "YYYYMMDD or ISO-8601 such as 2024-01-31T09:30:00+08:00",
                       field, text);
  };
  if (text.size() > 8 && text.find_first_not_of("0123456789") == std::string_view::npos) {
    int64_t millis = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), millis);
    if (ec != std::errc() || ptr != text.data() + text.size()) return reject();
    return millis;
  }
  if (text.size() <= 10) {
    Result<Date> date = parse_date(text, field);
    if (!date.is_ok()) return reject();
    return shanghai_time(*date, 0, 0);
  }
  // YYYY-MM-DDTHH:MM[:SS[.fff]](Z|+hh:mm|-hh:mm)
  if (text.size() < 17 || (text[10] != 'T' && text[10] != ' ')) return reject();
  Result<Date> date = parse_date(text.substr(0, 10), field);
  if (!date.is_ok()) return reject();
  std::string_view rest = text.substr(11);
  int hour = 0;
  int minute = 0;
  int second = 0;
  int millis = 0;
  if (rest.size() < 5 || rest[2] != ':' || !parse_digits(rest.substr(0, 2), hour) ||
      !parse_digits(rest.substr(3, 2), minute)) {
    return reject();
  }
  rest.remove_prefix(5);
  if (!rest.empty() && rest[0] == ':') {
    if (rest.size() < 3 || !parse_digits(rest.substr(1, 2), second)) return reject();
    rest.remove_prefix(3);
    if (!rest.empty() && rest[0] == '.') {
      size_t digits = 1;
      while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
      std::string_view fraction = rest.substr(1, digits - 1);
      if (fraction.empty() || fraction.size() > 9) return reject();
      std::string padded(fraction.substr(0, std::min<size_t>(3, fraction.size())));
      padded.resize(3, '0');
      if (!parse_digits(padded, millis)) return reject();
      rest.remove_prefix(digits);
    }
  }
  if (hour > 23 || minute > 59 || second > 59) return reject();
  int64_t offset_ms = 0;
  if (rest == "Z") {
    offset_ms = 0;
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    int offset_hours = 0;
    int offset_minutes = 0;
    if (!parse_digits(rest.substr(1, 2), offset_hours) ||
        !parse_digits(rest.substr(4, 2), offset_minutes) || offset_hours > 14 ||
        offset_minutes > 59) {
      return reject();
    }
    offset_ms = (offset_hours * 60 + offset_minutes) * kMillisPerMinute;
    if (rest[0] == '-') offset_ms = -offset_ms;
  } else {
    return reject();  // a local time without an offset is ambiguous: refuse to guess
  }
  const int64_t local = int64_t{date->days} * kMillisPerDay +
                        ((hour * 60 + minute) * 60 + second) * kMillisPerSecond + millis;
  return local - offset_ms;
}

std::string format_iso8601_utc(TimestampMs ts) {
  const int64_t day = floor_div(ts, kMillisPerDay);
  const int64_t in_day = ts - day * kMillisPerDay;
  const Date date{static_cast<int32_t>(day)};
  return fmt::format("{}T{:02}:{:02}:{:02}.{:03}Z", date.to_string(), in_day / 3600000,
                     in_day / 60000 % 60, in_day / 1000 % 60, in_day % 1000);
}

Date shanghai_date(TimestampMs ts) {
  return Date{static_cast<int32_t>(floor_div(ts + kShanghaiOffsetMs, kMillisPerDay))};
}

int64_t shanghai_millis_of_day(TimestampMs ts) {
  const int64_t local = ts + kShanghaiOffsetMs;
  return local - floor_div(local, kMillisPerDay) * kMillisPerDay;
}

TimestampMs shanghai_time(Date date, int hour, int minute, int second) {
  return int64_t{date.days} * kMillisPerDay +
         ((hour * 60 + minute) * 60 + second) * kMillisPerSecond - kShanghaiOffsetMs;
}

SessionPhase session_phase(TimestampMs ts) {
  const int64_t ms = shanghai_millis_of_day(ts);
  if (ms >= kAuctionOpen && ms < kAuctionClose) return SessionPhase::kCallAuction;
  if (ms >= kAuctionClose && ms < kMorningOpen) return SessionPhase::kPreOpen;
  if (ms >= kMorningOpen && ms < kMorningClose) return SessionPhase::kMorning;
  if (ms >= kAfternoonOpen && ms < kAfternoonClose) return SessionPhase::kAfternoon;
  return SessionPhase::kClosed;
}

int trading_minute_index(TimestampMs ts) {
  const int64_t ms = shanghai_millis_of_day(ts);
  if (ms >= kMorningOpen && ms < kMorningClose) {
    return static_cast<int>((ms - kMorningOpen) / kMillisPerMinute);
  }
  if (ms >= kAfternoonOpen && ms < kAfternoonClose) {
    return 120 + static_cast<int>((ms - kAfternoonOpen) / kMillisPerMinute);
  }
  return -1;
}

TimestampMs trading_minute_start(Date date, int index) {
  const int64_t local = index < 120 ? kMorningOpen + index * kMillisPerMinute
                                    : kAfternoonOpen + (index - 120) * kMillisPerMinute;
  return int64_t{date.days} * kMillisPerDay + local - kShanghaiOffsetMs;
}

}  // namespace mystocks
