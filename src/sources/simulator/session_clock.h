// SessionClock: maps wall-clock time to the simulated market's time for the live feed.
// - Market hours (always_open = false): market time = start + (wall - start) * speed, so at
//   speed 1 the feed follows the real exchange day and is silent outside trading hours.
// - Always open (demo mode): a session clock that skips everything but continuous trading.
//   It starts at the wall clock's time of day if that is inside 09:30-11:30 / 13:00-15:00, else
//   at 09:30 (13:00 during the lunch break), and runs at `speed` through the sessions of
//   consecutive calendar dates (today, tomorrow, ...), so the market is open whatever the wall
//   clock says and time stamps never go backwards.
// A restart continues the session the store already holds (resume_session below) rather than
// starting it again. Immutable after construction: safe from any thread.
#pragma once

#include <cstdint>
#include <optional>

#include "core/clock.h"
#include "core/timestamp.h"

namespace mystocks::sources {

inline constexpr int64_t kContinuousSessionMs = 4 * 60 * kMillisPerMinute;  // 2 h + 2 h

class SessionClock {
 public:
  // REQUIRES: speed > 0.
  SessionClock(TimestampMs wall_start, double speed, bool always_open);
  // Always open, with market_time(wall_start) on the continuous session at `market_start`: a
  // time in the lunch break maps to 13:00, one at or after the close to the next date's 09:30.
  // REQUIRES: speed > 0.
  static SessionClock continuing_from(TimestampMs wall_start, double speed,
                                      TimestampMs market_start);

  TimestampMs market_time(TimestampMs wall_now) const;
  bool always_open() const { return always_open_; }
  double speed() const { return speed_; }

 private:
  TimestampMs wall_start_;
  double speed_;
  bool always_open_;
  Date first_date_{};            // always_open: the session date of offset 0
  int64_t start_offset_ms_ = 0;  // always_open: continuous-trading ms elapsed at wall_start
};

// A Clock whose now_ms() is the market time a SessionClock gives for the wall clock's now, so
// consumers that judge freshness by "now" (the realtime live window) agree with a live feed that
// plays a simulated session. steady_ns() is the wall clock's. Thread-safe like its parts.
class MarketClock final : public Clock {
 public:
  MarketClock(SessionClock session, const Clock& wall) : session_(session), wall_(wall) {}
  int64_t now_ms() const override { return session_.market_time(wall_.now_ms()); }
  int64_t steady_ns() const override { return wall_.steady_ns(); }

 private:
  SessionClock session_;
  const Clock& wall_;
};

// Where a live feed starts when the store already holds its rows up to `stored` (the newest
// market instant an earlier run saved): the clock to play and the last instant counted as emitted.
struct SessionResume {
  SessionClock clock;
  TimestampMs cursor;  // the feed emits what comes after it
};

// nullopt when `stored` is before the session date `fresh` plays at `wall_now` (the seed's
// history, an earlier day's demo): the feed starts fresh, which is newer anyway. Otherwise the
// cursor is `stored`, so nothing is replayed and nothing skipped, and
// - always open: the clock continues from `stored` instead of going back to 09:30 (or jumping
//   to the wall clock's time of day), at the same speed;
// - market hours: the clock stays the wall clock; a point earlier today is caught up by the first
//   batch, a later one (an earlier, faster run) keeps the feed silent until the clock passes it.
std::optional<SessionResume> resume_session(const SessionClock& fresh, TimestampMs wall_now,
                                            TimestampMs stored);

// The instant `offset` continuous-trading milliseconds after 09:30 of `first_date`, counting
// only 09:30-11:30 and 13:00-15:00 of consecutive calendar dates.
TimestampMs continuous_instant(Date first_date, int64_t offset);

}  // namespace mystocks::sources
