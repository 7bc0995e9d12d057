// Forming 1-minute bars: the pure aggregation over a minute's snapshots against the plan's bars,
// and the live feed's forming_bars on a manual clock, mark by mark: when they appear, how they
// update, and that the closed bar is the last forming state advanced by the minute's last mark.
#include "sources/simulator/forming_bars.h"

#include <map>
#include <tuple>

#include "sources/simulator/live_feed.h"
#include "unit/sources/live_feed_fixture.h"

namespace mystocks::sources::test {
namespace {

// One minute_kline row as values, cents for prices and amounts.
struct BarRow {
  TimestampMs ts = 0;
  int64_t open = 0, high = 0, low = 0, close = 0, volume = 0, amount = 0;
  bool is_final = false;
};

// Rows of a minute_kline batch by symbol; prices at scale 3 and amounts at scale 2 as cents.
std::map<std::string, BarRow> bars_by_symbol(const RecordBatch& batch) {
  std::map<std::string, BarRow> out;
  for (size_t row = 0; row < batch.num_rows(); ++row) {
    BarRow bar;
    bar.ts = column<int64_t>(batch, "ts")[row];
    bar.open = column<int64_t>(batch, "open")[row] / 10;
    bar.high = column<int64_t>(batch, "high")[row] / 10;
    bar.low = column<int64_t>(batch, "low")[row] / 10;
    bar.close = column<int64_t>(batch, "close")[row] / 10;
    bar.volume = column<int64_t>(batch, "volume")[row];
    bar.amount = column<int64_t>(batch, "amount")[row];
    EXPECT_FALSE(is_null(batch, "final", row)) << "row " << row;
    bar.is_final = column<uint8_t>(batch, "final")[row] != 0;
    EXPECT_EQ(column<std::string>(batch, "frequency")[row], "1m");
    out[column<std::string>(batch, "symbol")[row]] = bar;
  }
  return out;
}

// Each symbol's newest tick of a batch: last price, cumulative volume and amount (cents).
struct TickState {
  int64_t last = 0, volume = 0, amount = 0;
};
std::map<std::string, TickState> newest_ticks(const RecordBatch& ticks) {
  std::map<std::string, TickState> out;
  for (size_t row = 0; row < ticks.num_rows(); ++row) {
    out[column<std::string>(ticks, "symbol")[row]] = {column<int64_t>(ticks, "last")[row] / 10,
                                                      column<int64_t>(ticks, "volume")[row],
                                                      column<int64_t>(ticks, "amount")[row]};
  }
  return out;
}

using FormingBarsTest = LiveFeedTest;

TEST_F(FormingBarsTest, OverAllOfAMinutesSnapshotsTheFormingBarIsThePlansBar) {
  auto source = make(12);
  const MarketSimulator& simulator = *source->simulator();
  const int day = simulator.calendar().day_index(Date::from_ymd(2024, 5, 7));
  ASSERT_GE(day, 0);
  const MarketBridge bridge = simulator.market().intraday_bridge(day);
  std::vector<StockDay> days;
  int planned = 0;
  for (uint32_t security : simulator.universe().sorted_securities()) {
    simulator.stock_days(security, day, days);
    if (!days[day].trading) continue;
    ++planned;
    const DayPlan plan = simulator.stock_plan(security, days[day], day, &bridge);
    const TickGenerator ticks = simulator.stock_ticks(plan, security);
    std::vector<Snapshot> auction;
    ticks.auction(auction);
    // The 09:25 match alone opens minute 0: a bar of the auction's price and volume.
    const MinuteBar opened = forming_minute_bar(plan, 0, std::span(&auction.back(), 1));
    EXPECT_EQ(opened.open, plan.minutes[0].open);
    EXPECT_EQ(opened.close, plan.minutes[0].open);
    EXPECT_EQ(opened.volume, plan.auction_volume);
    for (int minute = 0; minute < kMinutes; ++minute) {
      SCOPED_TRACE(testing::Message() << "security " << security << " minute " << minute);
      std::vector<Snapshot> snapshots;
      ticks.minute(minute, snapshots);
      const MinuteBar& expected = plan.minutes[minute];
      MinuteBar previous = forming_minute_bar(plan, minute, std::span(snapshots.data(), 1));
      for (size_t count = 2; count <= snapshots.size(); ++count) {
        const MinuteBar bar = forming_minute_bar(plan, minute, std::span(snapshots.data(), count));
        ASSERT_EQ(bar.open, previous.open) << "after " << count << " snapshots";
        ASSERT_GE(bar.high, previous.high);
        ASSERT_LE(bar.low, previous.low);
        ASSERT_GE(bar.volume, previous.volume);
        ASSERT_GE(bar.amount, previous.amount);
        previous = bar;
      }
      ASSERT_EQ(previous.open, expected.open);
      ASSERT_EQ(previous.high, expected.high);
      ASSERT_EQ(previous.low, expected.low);
      ASSERT_EQ(previous.close, expected.close);
      ASSERT_EQ(previous.volume, expected.volume);
      ASSERT_EQ(previous.amount, expected.amount);
      ASSERT_EQ(previous.trades, expected.trades);
    }
  }
  EXPECT_GT(planned, 6);
}

// Drives a feed mark by mark from 09:24 through minutes 09:30 and 09:31 (market hours, so the
// 09:25 match opens minute 0), checking every batch's forming bars against its ticks and each
// closed bar against the last forming state advanced by the closing mark's snapshot.
TEST_F(FormingBarsTest, LiveFormingBarsUpdateEachMarkAndCloseIntoTheFinalBar) {
  auto source = make(30);
  clock_.set_ms(at(2024, 5, 7, 9, 24, 0));
  auto live = feed(*source, stock_options(first_symbols(*source, 4)));
  std::map<std::string, BarRow> forming;   // the newest forming state per symbol
  std::map<std::string, TickState> ticks;  // the newest tick per symbol
  int closed_minutes = 0;
  int forming_batches = 0;
  for (TimestampMs now = at(2024, 5, 7, 9, 24, 3); now <= at(2024, 5, 7, 9, 32, 0); now += 3000) {
    clock_.set_ms(now);
    const LiveBatch batch = ok_batch(live->next_batch());
    const std::map<std::string, TickState> batch_ticks = newest_ticks(batch.ticks);
    const std::map<std::string, BarRow> bars = bars_by_symbol(batch.forming_bars);
    const std::map<std::string, BarRow> closed = bars_by_symbol(batch.minute_bars);
    const int64_t local = now - at(2024, 5, 7, 0, 0, 0);
    const bool auction = local < (9 * 60 + 25) * kMillisPerMinute;
    const bool quiet = local > (9 * 60 + 25) * kMillisPerMinute &&
                       local <= (9 * 60 + 30) * kMillisPerMinute;  // after the match: no marks
    const bool closes = now == at(2024, 5, 7, 9, 31, 0) || now == at(2024, 5, 7, 9, 32, 0);
    if (auction || quiet || closes) {
      EXPECT_EQ(batch.forming_bars.num_rows(), 0u) << format_iso8601_utc(now);
    } else {
      ++forming_batches;
      ASSERT_GT(batch_ticks.size(), 0u) << format_iso8601_utc(now);
      ASSERT_EQ(bars.size(), batch_ticks.size()) << format_iso8601_utc(now);
    }
    const TimestampMs minute_start = local <= (9 * 60 + 31) * kMillisPerMinute
                                         ? at(2024, 5, 7, 9, 30, 0)
                                         : at(2024, 5, 7, 9, 31, 0);
    for (const auto& [symbol, bar] : bars) {
      const TickState& tick = batch_ticks.at(symbol);
      EXPECT_FALSE(bar.is_final);
      EXPECT_EQ(bar.ts, minute_start) << symbol << " " << format_iso8601_utc(now);
      EXPECT_EQ(bar.close, tick.last);
      EXPECT_GE(bar.high, std::max(bar.open, bar.close));
      EXPECT_LE(bar.low, std::min(bar.open, bar.close));
      auto before = forming.find(symbol);
      if (before != forming.end() && before->second.ts == bar.ts) {
        // The same minute moved on by one mark.
        EXPECT_EQ(bar.open, before->second.open) << symbol << " " << format_iso8601_utc(now);
        EXPECT_EQ(bar.high, std::max(before->second.high, tick.last));
        EXPECT_EQ(bar.low, std::min(before->second.low, tick.last));
        EXPECT_EQ(bar.volume - before->second.volume, tick.volume - ticks.at(symbol).volume);
        EXPECT_EQ(bar.amount - before->second.amount, tick.amount - ticks.at(symbol).amount);
      } else if (bar.ts == at(2024, 5, 7, 9, 30, 0)) {
        // Minute 0 opens at the 09:25 match: its first state is the match, the day's totals.
        EXPECT_EQ(now, at(2024, 5, 7, 9, 25, 0)) << symbol;
        EXPECT_EQ(bar.open, tick.last);
        EXPECT_EQ(bar.volume, tick.volume);
        EXPECT_EQ(bar.amount, tick.amount);
      } else {
        // A later minute starts from the previous minute's closing totals.
        EXPECT_EQ(bar.open, tick.last);
        EXPECT_EQ(bar.volume, tick.volume - ticks.at(symbol).volume);
        EXPECT_EQ(bar.amount, tick.amount - ticks.at(symbol).amount);
      }
    }
    for (const auto& [symbol, bar] : closed) {
      // The closed bar is the last forming state advanced by the closing snapshot.
      const BarRow& last = forming.at(symbol);
      const TickState& tick = batch_ticks.at(symbol);
      EXPECT_TRUE(bar.is_final);
      EXPECT_EQ(bar.ts, last.ts);
      EXPECT_EQ(bar.open, last.open) << symbol;
      EXPECT_EQ(bar.high, std::max(last.high, tick.last)) << symbol;
      EXPECT_EQ(bar.low, std::min(last.low, tick.last)) << symbol;
      EXPECT_EQ(bar.close, tick.last) << symbol;
      EXPECT_EQ(bar.volume, last.volume + tick.volume - ticks.at(symbol).volume) << symbol;
      EXPECT_EQ(bar.amount, last.amount + tick.amount - ticks.at(symbol).amount) << symbol;
      ++closed_minutes;
    }
    for (const auto& [symbol, bar] : bars) forming[symbol] = bar;
    for (const auto& [symbol, tick] : batch_ticks) ticks[symbol] = tick;
  }
  EXPECT_EQ(closed_minutes, 2 * static_cast<int>(forming.size()));
  EXPECT_EQ(forming_batches, 1 + 19 + 19);  // the match, then 19 open marks per minute
}

TEST_F(FormingBarsTest, ABatchOverSeveralMinutesFormsOnlyTheOpenOneFromItsFirstSnapshot) {
  auto source = make(30);
  const std::vector<std::string> symbols = first_symbols(*source, 4);
  clock_.set_ms(at(2024, 5, 7, 10, 0, 31));  // the feed starts inside minute 10:00
  auto live = feed(*source, stock_options(symbols));
  clock_.set_ms(at(2024, 5, 7, 10, 2, 45));
  const LiveBatch batch = ok_batch(live->next_batch());
  // 10:00 and 10:01 closed in this batch; only 10:02 forms.
  const std::map<std::string, BarRow> bars = bars_by_symbol(batch.forming_bars);
  ASSERT_FALSE(bars.empty());
  EXPECT_EQ(batch.minute_bars.num_rows(), 2 * bars.size());
  const RecordBatch history = ok(source->ticks(request_for(symbols, "2024-05-07", "2024-05-07")));
  for (const auto& [symbol, bar] : bars) {
    EXPECT_EQ(bar.ts, at(2024, 5, 7, 10, 2, 0));
    // open is the minute's first snapshot (10:02:03), the close the batch's newest (10:02:45).
    for (size_t row = 0; row < history.num_rows(); ++row) {
      if (column<std::string>(history, "symbol")[row] != symbol) continue;
      const TimestampMs ts = column<int64_t>(history, "ts")[row];
      const int64_t last = column<int64_t>(history, "last")[row] / 10;
      if (ts == at(2024, 5, 7, 10, 2, 3)) EXPECT_EQ(bar.open, last) << symbol;
      if (ts == at(2024, 5, 7, 10, 2, 45)) EXPECT_EQ(bar.close, last) << symbol;
      if (ts > at(2024, 5, 7, 10, 2, 0) && ts <= at(2024, 5, 7, 10, 2, 45)) {
        EXPECT_GE(bar.high, last) << symbol;
        EXPECT_LE(bar.low, last) << symbol;
      }
    }
  }
  // A feed that started mid-minute still forms that minute from its first snapshot: the same
  // feed idea, started at 10:02:31 and asked at 10:02:45, agrees with the batch above.
  clock_.set_ms(at(2024, 5, 7, 10, 2, 31));
  auto late = feed(*source, stock_options(symbols));
  clock_.set_ms(at(2024, 5, 7, 10, 2, 45));
  const LiveBatch late_batch = ok_batch(late->next_batch());
  EXPECT_EQ(late_batch.ticks.num_rows(), 5 * bars.size());  // 10:02:33 .. 10:02:45
  const std::map<std::string, BarRow> late_bars = bars_by_symbol(late_batch.forming_bars);
  ASSERT_EQ(late_bars.size(), bars.size());
  for (const auto& [symbol, bar] : bars) {
    const BarRow& other = late_bars.at(symbol);
    EXPECT_EQ(std::tie(other.open, other.high, other.low, other.close, other.volume, other.amount),
              std::tie(bar.open, bar.high, bar.low, bar.close, bar.volume, bar.amount))
        << symbol;
  }
  // Nothing new: no forming bars repeated.
  EXPECT_EQ(ok_batch(late->next_batch()).forming_bars.num_rows(), 0u);
}

TEST_F(FormingBarsTest, AlwaysOpenMinuteZeroOpensAtTheDaysOpenWithoutTheAuction) {
  auto source = make(20);
  clock_.set_ms(at(2024, 5, 11, 22, 0));  // Saturday: the demo session plays Monday's model
  LiveOptions options;
  options.always_open = true;
  options.index_quotes = false;
  auto live = feed(*source, options);
  clock_.advance_ms(3000);  // 09:30:03, the first mark
  const std::map<std::string, BarRow> first =
      bars_by_symbol(ok_batch(live->next_batch()).forming_bars);
  ASSERT_FALSE(first.empty());
  clock_.advance_ms(57000);  // 09:31:00 closes minute 0
  const LiveBatch closing = ok_batch(live->next_batch());
  EXPECT_EQ(closing.forming_bars.num_rows(), 0u);
  const std::map<std::string, BarRow> closed = bars_by_symbol(closing.minute_bars);
  ASSERT_EQ(closed.size(), first.size());
  for (const auto& [symbol, bar] : first) {
    EXPECT_EQ(bar.ts, at(2024, 5, 11, 9, 30, 0));
    EXPECT_EQ(bar.open, closed.at(symbol).open) << symbol;
    EXPECT_LE(bar.volume, closed.at(symbol).volume) << symbol;
    EXPECT_GT(bar.volume, 0) << symbol;  // the auction's match is part of minute 0
  }
}

}  // namespace
}  // namespace mystocks::sources::test
