#include "sources/simulator/tick_generator.h"

#include <algorithm>
#include <cmath>

#include "sources/simulator/random.h"

namespace mystocks::sources {
namespace {

constexpr int64_t kMatchMs = (9 * 60 + 25) * kMillisPerMinute;
constexpr int64_t kAuctionStartMs = (9 * 60 + 15) * kMillisPerMinute;
constexpr int64_t kContinuousStartMs = (9 * 60 + 30) * kMillisPerMinute;
constexpr int64_t kMorningCloseMs = (11 * 60 + 30) * kMillisPerMinute;
constexpr int64_t kAfternoonOpenMs = 13 * 60 * kMillisPerMinute;
constexpr int64_t kCloseMs = 15 * 60 * kMillisPerMinute;
constexpr int kLastSlot = kSnapshotsPerMinute - 1;  // the minute's closing snapshot

// Rounds numerator / denominator half up; both non-negative, denominator > 0.
int64_t divide_half_up(int64_t value, int64_t numerator, int64_t denominator) {
  __extension__ using Int128 = __int128;
  const Int128 scaled = static_cast<Int128>(value) * numerator * 2 + denominator;
  return static_cast<int64_t>(scaled / (static_cast<Int128>(denominator) * 2));
}

int64_t divide_up(int64_t value, int64_t numerator, int64_t denominator) {
  __extension__ using Int128 = __int128;
  const Int128 scaled = static_cast<Int128>(value) * numerator + denominator - 1;
  return static_cast<int64_t>(scaled / denominator);
}

}  // namespace

int snapshot_minute(TimestampMs ts) {
  const int64_t local = shanghai_millis_of_day(ts);
  if (local >= kMatchMs && local <= kContinuousStartMs) return 0;
  return trading_minute_index(ts - 1);
}

TickGenerator::TickGenerator(const DayPlan& plan, uint64_t seed, uint64_t stream_id, bool with_book)
    : plan_(&plan), seed_(seed), stream_id_(stream_id), with_book_(with_book) {
  const int64_t day_lots = plan.volume_before[kMinutes] / kLotShares;
  level_lots_ = std::max<int64_t>(1, day_lots / kMinutes / 2);
}

void TickGenerator::fill_book(Snapshot& snapshot, uint64_t draw_seed) const {
  if (!with_book_) return;
  const DepthBook book = make_depth_book(snapshot.last, plan_->limits, level_lots_, draw_seed);
  snapshot.bids = book.bids;
  snapshot.asks = book.asks;
}

void TickGenerator::auction(std::vector<Snapshot>& out) const {
  const DayPlan& plan = *plan_;
  const TimestampMs start = shanghai_time(plan.date, 9, 15);
  Rng rng(seed_, Stream::kAuction, stream_id_, static_cast<uint64_t>(plan.day));
  const int64_t auction_lots = std::max<int64_t>(1, plan.auction_volume / kLotShares);
  for (int k = 0; k < kAuctionSnapshots; ++k) {
    const double noise = rng.normal();
    const double fill = rng.uniform();
    if (k < kAuctionSnapshots - 1 && !with_book_) continue;  // indices show only the open
    Snapshot snapshot;
    snapshot.ts = start + k * kSnapshotIntervalMs;
    if (k < kAuctionSnapshots - 1) {
      // Before the match: no trade yet; the indicative price drifts towards the coming open.
      const double progress = static_cast<double>(k) / (kAuctionSnapshots - 1);
      const double spread = (1.0 - progress) * std::max(1.0, 0.004 * plan.pre_close) * noise;
      const double target =
          plan.pre_close + (plan.open() - plan.pre_close) * std::sqrt(progress) + spread;
      const int64_t indicative =
          clamp_to_limits(std::max<int64_t>(1, std::llround(target)), plan.limits);
      const int64_t matched =
          std::max<int64_t>(1, static_cast<int64_t>(auction_lots * progress * (0.5 + 0.5 * fill))) *
          kLotShares;
      snapshot.last = plan.pre_close;
      snapshot.bids[0] = {indicative, matched};
      snapshot.asks[0] = {indicative, matched};
    } else {
      snapshot.last = snapshot.open = snapshot.high = snapshot.low = plan.open();
      snapshot.volume = plan.auction_volume;
      snapshot.amount = plan.auction_amount;
      snapshot.trades = plan.auction_trades;
      fill_book(snapshot, rng.next());
    }
    out.push_back(snapshot);
  }
}

void TickGenerator::minute(int m, std::vector<Snapshot>& out) const {
  const DayPlan& plan = *plan_;
  const MinuteBar& bar = plan.minutes[m];
  Rng rng(seed_, Stream::kTicks, stream_id_, static_cast<uint64_t>(plan.day),
          static_cast<uint64_t>(m));
  const int64_t volume = plan.volume_before[m + 1] - plan.volume_before[m];
  const int64_t amount = plan.amount_before[m + 1] - plan.amount_before[m];
  const int64_t trades = plan.trades_before[m + 1] - plan.trades_before[m];
  const int64_t lots = volume / kLotShares;
  const int64_t previous_last = m == 0 ? plan.open() : plan.minutes[m - 1].close;

  // Pinned slots carry the minute's open (slot 0; minute 0 has it in the 09:25 match), high,
  // low and close (slot 19); each needs a trade, the other slots trade at random.
  const int first_free = m == 0 ? 0 : 1;
  const bool flat = bar.high == bar.low && bar.open == previous_last;
  int high_slot = -1;
  int low_slot = -1;
  if (!flat) {
    high_slot = static_cast<int>(rng.uniform_int(first_free, kLastSlot - 1));
    low_slot = static_cast<int>(rng.uniform_int(first_free, kLastSlot - 2));
    if (low_slot >= high_slot) ++low_slot;
  }
  std::array<bool, kSnapshotsPerMinute> pinned{};
  if (!flat) {
    if (m != 0) pinned[0] = true;
    pinned[high_slot] = pinned[low_slot] = pinned[kLastSlot] = true;
  }
  std::array<int64_t, kSnapshotsPerMinute> slot_lots{};
  int64_t remaining = lots;
  for (int k = 0; k < kSnapshotsPerMinute && remaining > 0; ++k) {
    if (pinned[k]) {
      slot_lots[k] = 1;
      --remaining;
    }
  }
  std::array<double, kSnapshotsPerMinute> weights{};
  double weight_sum = 0.0;
  for (double& weight : weights) {
    const double draw = rng.uniform();
    weight = draw * draw;
    weight_sum += weight;
  }
  int64_t spread_lots = 0;
  for (int k = 0; k < kSnapshotsPerMinute; ++k) {
    const int64_t share =
        static_cast<int64_t>(static_cast<double>(remaining) * weights[k] / weight_sum);
    slot_lots[k] += share;
    spread_lots += share;
  }
  slot_lots[kLastSlot] += remaining - spread_lots;

  const TimestampMs minute_start = trading_minute_start(plan.date, m);
  const int64_t step = std::max<int64_t>(1, bar.close / 5000);  // about 2 bp per move
  int64_t price = previous_last;
  int64_t cumulative = 0;
  int64_t high = plan.high_before[m];
  int64_t low = plan.low_before[m];
  for (int k = 0; k < kSnapshotsPerMinute; ++k) {
    const double move = rng.uniform();
    if (flat || k == kLastSlot) {
      price = bar.close;
    } else if (k == 0 && m != 0) {
      price = bar.open;
    } else if (k == high_slot) {
      price = bar.high;
    } else if (k == low_slot) {
      price = bar.low;
    } else if (slot_lots[k] > 0) {
      // No trade, no new price: only slots that traded may move.
      const int64_t delta = move < 0.35 ? -step : (move < 0.7 ? step : 0);
      price = std::clamp(price + delta, bar.low, bar.high);
    }
    cumulative += slot_lots[k] * kLotShares;
    high = std::max(high, price);
    low = std::min(low, price);
    Snapshot snapshot;
    snapshot.ts = minute_start + (k + 1) * kSnapshotIntervalMs;
    snapshot.last = price;
    snapshot.open = plan.open();
    snapshot.high = high;
    snapshot.low = low;
    snapshot.volume = plan.volume_before[m] + cumulative;
    snapshot.amount =
        plan.amount_before[m] + (volume > 0 ? divide_half_up(amount, cumulative, volume) : 0);
    snapshot.trades =
        plan.trades_before[m] + (volume > 0 ? divide_up(trades, cumulative, volume) : 0);
    fill_book(snapshot, rng.next());
    out.push_back(snapshot);
  }
}

void TickGenerator::day(std::vector<Snapshot>& out) const {
  out.reserve(out.size() + kAuctionSnapshots + kMinutes * kSnapshotsPerMinute);
  auction(out);
  for (int m = 0; m < kMinutes; ++m) minute(m, out);
}

std::optional<Snapshot> TickGenerator::at(TimestampMs ts) const {
  const DayPlan& plan = *plan_;
  const TimestampMs day_start = shanghai_time(plan.date, 0, 0);
  if (ts < day_start + kAuctionStartMs) return std::nullopt;
  std::vector<Snapshot> snapshots;
  const int64_t local = std::min<int64_t>(ts - day_start, kCloseMs);
  if (local < kContinuousStartMs + kSnapshotIntervalMs) {
    auction(snapshots);
    const int64_t index = std::min<int64_t>((local - kAuctionStartMs) / kSnapshotIntervalMs,
                                            static_cast<int64_t>(snapshots.size()) - 1);
    // Indices keep only the match: before it they have no snapshot.
    if (!with_book_ && local < kMatchMs) return std::nullopt;
    return with_book_ ? snapshots[index] : snapshots.back();
  }
  int64_t effective = local;
  if (effective >= kMorningCloseMs && effective < kAfternoonOpenMs + kSnapshotIntervalMs) {
    effective = kMorningCloseMs;  // the lunch break shows the 11:30 snapshot
  }
  // The last 3-second mark at or before `effective`, and the minute it belongs to.
  const TimestampMs mark = day_start + effective / kSnapshotIntervalMs * kSnapshotIntervalMs;
  const int m = snapshot_minute(mark);
  minute(m, snapshots);
  for (auto it = snapshots.rbegin(); it != snapshots.rend(); ++it) {
    if (it->ts <= mark) return *it;
  }
  return snapshots.front();
}

}  // namespace mystocks::sources
