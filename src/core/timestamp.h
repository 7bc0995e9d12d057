// Time on the wire and in storage: int64 milliseconds since the Unix epoch, UTC. Trading dates
// and sessions are in Asia/Shanghai, which has used UTC+8 without daylight saving since 1991, so a
// fixed offset is exact for all market data we store and needs no time-zone database.
// Pure functions and value types: safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace mystocks {

using TimestampMs = int64_t;

inline constexpr int64_t kMillisPerSecond = 1000;
inline constexpr int64_t kMillisPerMinute = 60 * kMillisPerSecond;
inline constexpr int64_t kMillisPerDay = 24 * 60 * kMillisPerMinute;
inline constexpr int64_t kShanghaiOffsetMs = 8 * 60 * kMillisPerMinute;

// A calendar date (no time zone); `days` counts days since 1970-01-01.
struct Date {
  int32_t days = 0;

  static Date from_ymd(int year, unsigned month, unsigned day);
  int year() const;
  unsigned month() const;
  unsigned day() const;
  unsigned weekday() const;  // 0 = Sunday ... 6 = Saturday
  bool is_weekend() const { return weekday() == 0 || weekday() == 6; }
  std::string to_string() const;  // "2024-01-31"
  friend auto operator<=>(const Date&, const Date&) = default;
};

// Parses "YYYY-MM-DD" or "YYYYMMDD" and rejects impossible dates (2023-02-29).
Result<Date> parse_date(std::string_view text, std::string_view field = "date");

// Parses a point in time given as epoch milliseconds ("1700000000000"), a date ("2024-01-31",
// "20240131": midnight Asia/Shanghai) or an ISO-8601 date-time with offset or Z
// ("2024-01-31T09:30:00+08:00", "2024-01-31T01:30:00.250Z").
Result<TimestampMs> parse_timestamp(std::string_view text, std::string_view field = "time");

// "2024-01-31T01:30:00.250Z"
std::string format_iso8601_utc(TimestampMs ts);

// The Asia/Shanghai calendar date of an instant.
Date shanghai_date(TimestampMs ts);
// Milliseconds since local (Asia/Shanghai) midnight.
int64_t shanghai_millis_of_day(TimestampMs ts);
// The instant of local time `hh:mm` on `date` in Asia/Shanghai.
TimestampMs shanghai_time(Date date, int hour, int minute, int second = 0);

// The phases of an A-share trading day, Asia/Shanghai local time.
enum class SessionPhase : uint8_t {
  kClosed,        // before 09:15, 11:30-13:00, after 15:00
  kCallAuction,   // 09:15-09:25 opening call auction
  kPreOpen,       // 09:25-09:30 orders accepted, no matching
  kMorning,       // 09:30-11:30 continuous trading
  kAfternoon,     // 13:00-15:00 (the last 3 minutes are the SZ closing auction)
};

// The phase at an instant by clock time only; whether the date is a trading day is the trading
// calendar's business.
SessionPhase session_phase(TimestampMs ts);

inline constexpr int kTradingMinutesPerDay = 240;

// Index 0..239 of the trading minute containing `ts` (09:30:00-09:30:59.999 is 0, 13:00 is 120),
// or -1 outside continuous trading. The basis of K-line bucketing.
int trading_minute_index(TimestampMs ts);

// Start instant of trading minute `index` (0..239) on `date`.
TimestampMs trading_minute_start(Date date, int index);

}  // namespace mystocks
