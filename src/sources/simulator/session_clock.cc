#include "sources/simulator/session_clock.h"

#include <cmath>

namespace mystocks::sources {
namespace {

constexpr int64_t kHalfSessionMs = 2 * 60 * kMillisPerMinute;
constexpr int64_t kMorningOpenMs = (9 * 60 + 30) * kMillisPerMinute;
constexpr int64_t kMorningCloseMs = (11 * 60 + 30) * kMillisPerMinute;
constexpr int64_t kAfternoonOpenMs = 13 * 60 * kMillisPerMinute;
constexpr int64_t kAfternoonCloseMs = 15 * 60 * kMillisPerMinute;

}  // namespace

TimestampMs continuous_instant(Date first_date, int64_t offset) {
  const int64_t session = offset / kContinuousSessionMs;
  const int64_t within = offset % kContinuousSessionMs;
  const Date date{static_cast<int32_t>(first_date.days + session)};
  const TimestampMs midnight = shanghai_time(date, 0, 0);
  if (within < kHalfSessionMs) return midnight + kMorningOpenMs + within;
  return midnight + kAfternoonOpenMs + (within - kHalfSessionMs);
}

SessionClock::SessionClock(TimestampMs wall_start, double speed, bool always_open)
    : wall_start_(wall_start), speed_(speed), always_open_(always_open) {
  if (!always_open) return;
  first_date_ = shanghai_date(wall_start);
  const int64_t local = shanghai_millis_of_day(wall_start);
  if (local >= kMorningOpenMs && local < kMorningCloseMs) {
    start_offset_ms_ = local - kMorningOpenMs;
  } else if (local >= kMorningCloseMs && local < kAfternoonOpenMs) {
    start_offset_ms_ = kHalfSessionMs;
  } else if (local >= kAfternoonOpenMs && local < kAfternoonCloseMs) {
    start_offset_ms_ = kHalfSessionMs + (local - kAfternoonOpenMs);
  }
}

TimestampMs SessionClock::market_time(TimestampMs wall_now) const {
  const int64_t elapsed = wall_now > wall_start_ ? wall_now - wall_start_ : 0;
  const int64_t scaled = static_cast<int64_t>(std::llround(static_cast<double>(elapsed) * speed_));
  if (!always_open_) return wall_start_ + scaled;
  return continuous_instant(first_date_, start_offset_ms_ + scaled);
}

}  // namespace mystocks::sources
