// Forming 1-minute bars: the bar of a trading minute that has not closed yet, as far as the
// minute's snapshots so far show it. The live feed emits these (final = false) next to its
// closed bars, so a chart can draw the current minute before it ends.
// Invariant: over all of a minute's snapshots the forming bar equals the plan's bar of that
// minute (DayPlan::minutes), which is what the closed bar and the historical bars hold; over a
// prefix it is the same aggregation stopped early (open fixed, high/low/volume/amount monotone).
// Pure function: safe from any thread.
#pragma once

#include <span>

#include "sources/simulator/intraday_model.h"
#include "sources/simulator/tick_generator.h"

namespace mystocks::sources {

// The bar of trading minute `minute` (0..239) of `plan`'s day from `so_far`: the minute's
// snapshots up to now, in time order (TickGenerator::minute's output, or for minute 0 also just
// the 09:25 match, which belongs to minute 0). open is the minute's first trade (for minute 0
// the auction's match, every snapshot's day open), high/low span open and every last price,
// close is the newest last price, volume/amount/trades are the day totals of the newest
// snapshot less those before the minute.
// REQUIRES: !so_far.empty(), 0 <= minute < kMinutes.
MinuteBar forming_minute_bar(const DayPlan& plan, int minute, std::span<const Snapshot> so_far);

}  // namespace mystocks::sources
