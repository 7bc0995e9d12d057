// The live feed on a manual clock: the session clock's mapping, batches in time order equal to
// the historical ticks, speed, the row bound, and the always-open demo session.
#include "sources/simulator/live_feed.h"

#include <map>
#include <set>

#include "unit/sources/live_feed_fixture.h"

namespace mystocks::sources::test {
namespace {

struct ClockCase {
  std::string_view wall_start;  // ISO-8601
  double speed;
  bool always_open;
  int64_t elapsed_ms;
  std::string_view market;  // ISO-8601 UTC
};

TEST(SessionClockTest, MapsWallTimeToMarketTime) {
  const ClockCase cases[] = {
      // Market hours: wall time, scaled.
      {"2024-05-07T10:00:00+08:00", 1, false, 60000, "2024-05-07T02:01:00.000Z"},
      {"2024-05-07T10:00:00+08:00", 10, false, 60000, "2024-05-07T02:10:00.000Z"},
      // Always open from inside the morning session: same time of day, then through lunch.
      {"2024-05-07T11:29:00+08:00", 1, true, 60000, "2024-05-07T05:00:00.000Z"},
      {"2024-05-07T11:29:00+08:00", 1, true, 120000, "2024-05-07T05:01:00.000Z"},
      // From the evening: today's 09:30, and at the afternoon's end the next date's 09:30.
      {"2024-05-11T20:00:00+08:00", 1, true, 0, "2024-05-11T01:30:00.000Z"},
      {"2024-05-11T20:00:00+08:00", 100, true, 126000, "2024-05-11T06:30:00.000Z"},
      {"2024-05-11T20:00:00+08:00", 100, true, 144600, "2024-05-12T01:31:00.000Z"},
      // Lunch break start: 13:00.
      {"2024-05-07T12:00:00+08:00", 1, true, 0, "2024-05-07T05:00:00.000Z"},
  };
  for (const ClockCase& c : cases) {
    const TimestampMs start = *parse_timestamp(c.wall_start);
    const SessionClock clock(start, c.speed, c.always_open);
    EXPECT_EQ(format_iso8601_utc(clock.market_time(start + c.elapsed_ms)), c.market)
        << c.wall_start << " x" << c.speed << " +" << c.elapsed_ms;
  }
}

TEST_F(LiveFeedTest, StreamsTodaysSnapshotsInTimeOrderEqualToTheHistoricalTicks) {
  auto source = make(30);
  const std::vector<std::string> symbols = first_symbols(*source, 5);
  clock_.set_ms(at(2024, 5, 7, 9, 29, 0));
  auto live = feed(*source, options_for(symbols));
  // Nothing happens between 09:29 and 09:30.
  clock_.advance_ms(60000);
  EXPECT_EQ(ok_batch(live->next_batch()).ticks.num_rows(), 0u);
  clock_.set_ms(at(2024, 5, 7, 9, 32, 1));
  const LiveBatch batch = ok_batch(live->next_batch());
  const RecordBatch history = ok(source->ticks(request_for(symbols, "2024-05-07", "2024-05-07")));
  const std::set<std::string> trading(column<std::string>(history, "symbol").begin(),
                                      column<std::string>(history, "symbol").end());
  // 09:30:03 ... 09:32:00: 40 marks, one snapshot per trading symbol each.
  ASSERT_EQ(batch.ticks.num_rows(), 40u * trading.size());
  EXPECT_EQ(batch.market_time, at(2024, 5, 7, 9, 32, 1));
  const auto& ts = column<int64_t>(batch.ticks, "ts");
  for (size_t row = 1; row < ts.size(); ++row) ASSERT_LE(ts[row - 1], ts[row]);
  EXPECT_EQ(ts.front(), at(2024, 5, 7, 9, 30, 3));
  EXPECT_EQ(ts.back(), at(2024, 5, 7, 9, 32, 0));
  // Index snapshots come along.
  EXPECT_EQ(batch.index_quotes.num_rows() % 40, 0u);
  EXPECT_GT(batch.index_quotes.num_rows(), 0u);

  std::map<std::pair<std::string, TimestampMs>, size_t> by_key;
  for (size_t row = 0; row < history.num_rows(); ++row) {
    by_key[{column<std::string>(history, "symbol")[row], column<int64_t>(history, "ts")[row]}] =
        row;
  }
  for (size_t row = 0; row < batch.ticks.num_rows(); ++row) {
    const size_t match = by_key.at({column<std::string>(batch.ticks, "symbol")[row], ts[row]});
    for (size_t column_idx = 0; column_idx < history.num_columns(); ++column_idx) {
      ASSERT_EQ(render(batch.ticks, column_idx, row), render(history, column_idx, match))
          << history.schema().field(column_idx).name;
    }
  }
  // Nothing is repeated: the next call continues where this one stopped.
  clock_.advance_ms(3000);
  const LiveBatch next = ok_batch(live->next_batch());
  ASSERT_EQ(next.ticks.num_rows(), trading.size());
  EXPECT_EQ(column<int64_t>(next.ticks, "ts")[0], at(2024, 5, 7, 9, 32, 3));
}

TEST_F(LiveFeedTest, SpeedAndTheRowBoundSplitBatchesAtWholeMarks) {
  auto source = make(30);
  clock_.set_ms(at(2024, 5, 7, 13, 0, 0));
  LiveOptions options;
  options.speed = 60;  // a market minute per wall second
  options.max_rows = 100;
  options.index_quotes = false;
  auto live = feed(*source, options);
  clock_.advance_ms(1000);
  const LiveBatch first = ok_batch(live->next_batch());
  // Up to 30 symbols per mark (fewer when some are suspended); 100 rows hold three whole marks.
  const size_t per_mark = first.ticks.num_rows() / 3;
  EXPECT_EQ(first.ticks.num_rows(), 3 * per_mark);
  EXPECT_GT(per_mark, 20u);
  EXPECT_FALSE(first.caught_up);
  EXPECT_EQ(first.market_time, at(2024, 5, 7, 13, 0, 9));
  size_t total = first.ticks.num_rows();
  while (true) {
    const LiveBatch more = ok_batch(live->next_batch());
    total += more.ticks.num_rows();
    if (more.caught_up) break;
  }
  EXPECT_EQ(total, 20u * per_mark);  // 13:00:03 ... 13:01:00
}

TEST_F(LiveFeedTest, MarketHoursFeedIsSilentOnHolidaysAndAtNight) {
  auto source = make(10);
  clock_.set_ms(at(2024, 2, 9, 9, 0));  // Spring Festival Eve closure
  auto live = feed(*source, LiveOptions{});
  clock_.advance_ms(3 * 3600 * 1000);
  EXPECT_EQ(ok_batch(live->next_batch()).ticks.num_rows(), 0u);
}

TEST_F(LiveFeedTest, AlwaysOpenKeepsAMovingMarketOnASaturdayNight) {
  auto source = make(20);
  clock_.set_ms(at(2024, 5, 11, 22, 0));  // Saturday
  LiveOptions options;
  options.always_open = true;
  options.index_quotes = false;
  auto live = feed(*source, options);
  clock_.advance_ms(30000);
  const LiveBatch batch = ok_batch(live->next_batch());
  ASSERT_GT(batch.ticks.num_rows(), 0u);
  // Stamped on the session date's continuous session, 09:30:03 .. 09:30:30.
  const auto& ts = column<int64_t>(batch.ticks, "ts");
  EXPECT_EQ(ts.front(), at(2024, 5, 11, 9, 30, 3));
  EXPECT_EQ(ts.back(), at(2024, 5, 11, 9, 30, 30));
  // The prices are Monday's model (the next trading day), stamped on Saturday.
  const RecordBatch monday = ok(source->ticks(
      request({column<std::string>(batch.ticks, "symbol")[0]}, "2024-05-13", "2024-05-13")));
  const auto& monday_ts = column<int64_t>(monday, "ts");
  const auto it = std::find(monday_ts.begin(), monday_ts.end(), at(2024, 5, 13, 9, 30, 3));
  ASSERT_NE(it, monday_ts.end());
  EXPECT_EQ(column<int64_t>(batch.ticks, "last")[0],
            column<int64_t>(monday, "last")[it - monday_ts.begin()]);
}

TEST_F(LiveFeedTest, DerivesQuotesAndClosedMinuteBarsEqualToTheHistoricalOnes) {
  auto source = make(30);
  const std::vector<std::string> symbols = first_symbols(*source, 4);
  clock_.set_ms(at(2024, 5, 7, 9, 30, 0));
  auto live = feed(*source, stock_options(symbols));
  clock_.set_ms(at(2024, 5, 7, 9, 32, 30));  // minutes 09:30 and 09:31 close, 09:32 is open
  const LiveBatch batch = ok_batch(live->next_batch());
  const RecordBatch history_bars =
      ok(source->minute_bars(request_for(symbols, "2024-05-07", "2024-05-07")));
  std::map<std::pair<std::string, TimestampMs>, size_t> bar_by_key;
  for (size_t row = 0; row < history_bars.num_rows(); ++row) {
    bar_by_key[{column<std::string>(history_bars, "symbol")[row],
                column<int64_t>(history_bars, "ts")[row]}] = row;
  }
  const size_t trading = batch.ticks.num_rows() / 50;  // 50 marks: 09:30:03 .. 09:32:30
  ASSERT_GT(trading, 0u);
  ASSERT_EQ(batch.minute_bars.num_rows(), 2 * trading);
  const auto& bar_ts = column<int64_t>(batch.minute_bars, "ts");
  EXPECT_EQ(bar_ts.front(), at(2024, 5, 7, 9, 30, 0));
  EXPECT_EQ(bar_ts.back(), at(2024, 5, 7, 9, 31, 0));
  for (size_t row = 0; row < batch.minute_bars.num_rows(); ++row) {
    const size_t match =
        bar_by_key.at({column<std::string>(batch.minute_bars, "symbol")[row], bar_ts[row]});
    for (size_t column_idx = 0; column_idx < history_bars.num_columns(); ++column_idx) {
      ASSERT_EQ(render(batch.minute_bars, column_idx, row), render(history_bars, column_idx, match))
          << history_bars.schema().field(column_idx).name;
    }
  }
  // One quote per trading symbol: its newest snapshot, with the day's limits.
  ASSERT_EQ(batch.quotes.num_rows(), trading);
  for (size_t row = 0; row < batch.quotes.num_rows(); ++row) {
    EXPECT_EQ(column<int64_t>(batch.quotes, "ts")[row], at(2024, 5, 7, 9, 32, 30));
    const std::string& symbol = column<std::string>(batch.quotes, "symbol")[row];
    const auto& tick_symbols = column<std::string>(batch.ticks, "symbol");
    const size_t last_tick = static_cast<size_t>(
        std::find(tick_symbols.rbegin(), tick_symbols.rend(), symbol).base() -
        tick_symbols.begin() - 1);
    EXPECT_EQ(column<int64_t>(batch.quotes, "last")[row], column<int64_t>(batch.ticks, "last")[last_tick]);
    EXPECT_GE(column<int64_t>(batch.quotes, "limit_up")[row], column<int64_t>(batch.quotes, "last")[row]);
  }
  // Nothing happened: no quotes, no bars.
  const LiveBatch idle = ok_batch(live->next_batch());
  EXPECT_EQ(idle.quotes.num_rows(), 0u);
  EXPECT_EQ(idle.minute_bars.num_rows(), 0u);
}

}  // namespace
}  // namespace mystocks::sources::test
