#include "sources/simulator/forming_bars.h"

#include <algorithm>
#include <cassert>

namespace mystocks::sources {

MinuteBar forming_minute_bar(const DayPlan& plan, int minute, std::span<const Snapshot> so_far) {
  assert(!so_far.empty() && minute >= 0 && minute < kMinutes);
  const Snapshot& newest = so_far.back();
  MinuteBar bar;
  // Minute 0 opens with the 09:25 match, before its first continuous snapshot (which may
  // already be the minute's high or low); the match is every snapshot's day open.
  bar.open = minute == 0 ? newest.open : so_far.front().last;
  bar.high = bar.open;
  bar.low = bar.open;
  for (const Snapshot& snapshot : so_far) {
    bar.high = std::max(bar.high, snapshot.last);
    bar.low = std::min(bar.low, snapshot.last);
  }
  bar.close = newest.last;
  // The day totals before the minute; minute 0 counts the match, so it starts from nothing.
  const auto index = static_cast<size_t>(minute);
  const int64_t volume_before = minute == 0 ? 0 : plan.volume_before[index];
  const int64_t amount_before = minute == 0 ? 0 : plan.amount_before[index];
  const int64_t trades_before = minute == 0 ? 0 : plan.trades_before[index];
  bar.volume = newest.volume - volume_before;
  bar.amount = newest.amount - amount_before;
  bar.trades = newest.trades - trades_before;
  return bar;
}

}  // namespace mystocks::sources
