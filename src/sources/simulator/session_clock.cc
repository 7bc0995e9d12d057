#include "sources/simulator/session_clock.h"

#include <cmath>

namespace mystocks::sources {
namespace {

constexpr int64_t kHalfSessionMs = 2 * 60 * kMillisPerMinute;
constexpr int64_t kMorningOpenMs = (9 * 60 + 30) * kMillisPerMinute;
constexpr int64_t kMorningCloseMs = (11 * 60 + 30) * kMillisPerMinute;
constexpr int64_t kAfternoonOpenMs = 13 * 60 * kMillisPerMinute;
constexpr int64_t kAfternoonCloseMs = 15 * 60 * kMillisPerMinute;

// Continuous-trading ms of a day elapsed at `local` ms of the day: a time in the lunch break
// counts the morning, one at or after the close the whole session.
int64_t continuous_offset(int64_t local) {
  if (local < kMorningOpenMs) return 0;
  if (local < kMorningCloseMs) return local - kMorningOpenMs;
  if (local < kAfternoonOpenMs) return kHalfSessionMs;
  if (local < kAfternoonCloseMs) return kHalfSessionMs + (local - kAfternoonOpenMs);
  return kContinuousSessionMs;
}

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
  // A fresh demo after the close shows the wall clock's date from 09:30, not tomorrow's.
  if (local < kAfternoonCloseMs) start_offset_ms_ = continuous_offset(local);
}

SessionClock SessionClock::continuing_from(TimestampMs wall_start, double speed,
                                           TimestampMs market_start) {
  SessionClock clock(wall_start, speed, true);
  clock.first_date_ = shanghai_date(market_start);
  // Past the close the offset is a whole session: the next date's 09:30, never this one's again.
  clock.start_offset_ms_ = continuous_offset(shanghai_millis_of_day(market_start));
  return clock;
}

std::optional<SessionResume> resume_session(const SessionClock& fresh, TimestampMs wall_now,
                                            TimestampMs stored) {
  const Date session_date = shanghai_date(fresh.market_time(wall_now));
  if (stored < shanghai_time(session_date, 0, 0)) return std::nullopt;
  if (!fresh.always_open()) return SessionResume{fresh, stored};
  return SessionResume{SessionClock::continuing_from(wall_now, fresh.speed(), stored), stored};
}

TimestampMs SessionClock::market_time(TimestampMs wall_now) const {
  const int64_t elapsed = wall_now > wall_start_ ? wall_now - wall_start_ : 0;
  const int64_t scaled = static_cast<int64_t>(std::llround(static_cast<double>(elapsed) * speed_));
  if (!always_open_) return wall_start_ + scaled;
  return continuous_instant(first_date_, start_offset_ms_ + scaled);
}

}  // namespace mystocks::sources
