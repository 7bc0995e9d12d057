// TickGenerator: the Level-1 snapshots of one security's (or index's) trading day, every 3 s,
// generated from its DayPlan so that resampled ticks reproduce the plan's minute bars exactly.
//
// Timeline (Asia/Shanghai): 09:15:00-09:24:57 call-auction snapshots (last = previous close, no
// volume, bid1 = ask1 = the indicative price with the matched quantity); 09:25:00 the auction's
// match (the day's open and first volume); then the 3-second marks 09:30:03 ... 11:30:00 and
// 13:00:03 ... 15:00:00. A snapshot covers the trades up to its time stamp, so a snapshot
// belongs to the trading minute of (ts - 1 ms); the 09:25 match belongs to the first minute.
//
// Book: five levels a side on the tick grid, best bid <= last <= best ask, within the price
// limits (at limit up the ask side is empty, at limit down the bid side), sizes in whole lots
// (depth_book.h), drawn from the minute's stream after the snapshot's price.
// Every minute draws from its own stream, so minute(m) can be asked for in any order.
// Immutable after construction; const methods are safe from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/timestamp.h"
#include "sources/simulator/depth_book.h"
#include "sources/simulator/intraday_model.h"

namespace mystocks::sources {

inline constexpr int kSnapshotsPerMinute = 20;
inline constexpr int64_t kSnapshotIntervalMs = 3000;
inline constexpr int kAuctionSnapshots = 201;  // 09:15:00 .. 09:25:00 every 3 s

struct Snapshot {
  TimestampMs ts = 0;
  int64_t last = 0;  // cents
  int64_t open = 0;  // cents; 0 until the auction's match
  int64_t high = 0;  // day high so far; 0 until the match
  int64_t low = 0;
  int64_t volume = 0;  // cumulative shares today
  int64_t amount = 0;  // cumulative cents today
  int64_t trades = 0;  // cumulative trades today
  std::array<BookLevel, kBookLevels> bids{};
  std::array<BookLevel, kBookLevels> asks{};
};

class TickGenerator {
 public:
  // `stream_id` keys the randomness (the security's index; indices use their own range).
  // `with_book`: false for indices, which have no order book.
  TickGenerator(const DayPlan& plan, uint64_t seed, uint64_t stream_id, bool with_book);

  // The call-auction snapshots ending with the 09:25 match (indices: the match only).
  void auction(std::vector<Snapshot>& out) const;
  // The 20 snapshots of trading minute m (0..239).
  void minute(int m, std::vector<Snapshot>& out) const;
  // The whole day in time order.
  void day(std::vector<Snapshot>& out) const;
  // The snapshot in force at `ts` (the latest at or before it); nullopt before 09:15.
  std::optional<Snapshot> at(TimestampMs ts) const;

  const DayPlan& plan() const { return *plan_; }

 private:
  void fill_book(Snapshot& snapshot, uint64_t draw_seed) const;

  const DayPlan* plan_;
  uint64_t seed_;
  uint64_t stream_id_;
  bool with_book_;
  int64_t level_lots_;  // typical resting size of a level, lots
};

// Trading minute a snapshot belongs to (see above), or -1 for pre-match auction snapshots and
// times outside the sessions.
int snapshot_minute(TimestampMs ts);

}  // namespace mystocks::sources
