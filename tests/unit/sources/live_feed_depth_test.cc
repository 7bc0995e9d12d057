// The live feed's order_book_depth output on a manual clock: one row per trading security per
// mark from the 09:25 match on (none for the auction's indicative snapshots), in ts then symbol
// order, levels 1-5 equal to the book of the historical tick at the same instant (same seed,
// same values), levels 6-10 null.
#include <map>
#include <set>

#include "sources/simulator/live_feed.h"
#include "unit/sources/live_feed_fixture.h"

namespace mystocks::sources::test {
namespace {

using LiveFeedDepthTest = LiveFeedTest;

TEST_F(LiveFeedDepthTest, DepthRowsFromTheMatchOnCarryTheHistoricalTicksBook) {
  auto source = make(30);
  const std::vector<std::string> symbols = first_symbols(*source, 6);
  clock_.set_ms(at(2024, 5, 7, 9, 24, 0));
  auto live = feed(*source, stock_options(symbols));
  ASSERT_NE(live, nullptr);
  clock_.set_ms(at(2024, 5, 7, 9, 31, 0));
  const LiveBatch batch = ok_batch(live->next_batch());
  const RecordBatch history = ok(source->ticks(request_for(symbols, "2024-05-07", "2024-05-07")));
  const std::set<std::string> trading(column<std::string>(history, "symbol").begin(),
                                      column<std::string>(history, "symbol").end());
  ASSERT_FALSE(trading.empty());
  // 09:24:03 .. 09:24:57 (19 marks) are indicative auction snapshots: ticks, but no depth.
  // Depth starts with the 09:25:00 match, then 09:30:03 .. 09:31:00 (20 marks).
  ASSERT_EQ(batch.ticks.num_rows(), (19 + 1 + 20) * trading.size());
  ASSERT_EQ(batch.depth.num_rows(), (1 + 20) * trading.size());
  EXPECT_EQ(batch.depth.schema().size(), table("order_book_depth").columns.size());

  std::map<std::pair<std::string, TimestampMs>, size_t> history_row;
  const auto& history_ts = column<int64_t>(history, "ts");
  const auto& history_symbol = column<std::string>(history, "symbol");
  for (size_t row = 0; row < history.num_rows(); ++row) {
    history_row[{history_symbol[row], history_ts[row]}] = row;
  }
  const auto& ts = column<int64_t>(batch.depth, "ts");
  const auto& symbol = column<std::string>(batch.depth, "symbol");
  EXPECT_EQ(ts.front(), at(2024, 5, 7, 9, 25, 0));
  EXPECT_EQ(ts.back(), at(2024, 5, 7, 9, 31, 0));
  for (size_t row = 0; row < batch.depth.num_rows(); ++row) {
    const std::string where = symbol[row] + " " + format_iso8601_utc(ts[row]);
    if (row > 0) {
      ASSERT_TRUE(ts[row - 1] < ts[row] ||
                  (ts[row - 1] == ts[row] && symbol[row - 1] < symbol[row]))
          << "not in ts, symbol order at " << where;
    }
    const size_t match = history_row.at({symbol[row], ts[row]});
    EXPECT_EQ(column<std::string>(batch.depth, "exchange")[row],
              column<std::string>(history, "exchange")[match]);
    for (int level = 1; level <= 10; ++level) {
      for (std::string_view side : {"bid", "ask"}) {
        for (std::string_view what : {"price", "volume"}) {
          const std::string name = fmt::format("{}{}_{}", side, level, what);
          const size_t depth_column = *batch.depth.schema().index_of(name);
          if (level > kBookLevels) {
            ASSERT_TRUE(batch.depth.column(depth_column).is_null(row)) << name << " at " << where;
            continue;
          }
          ASSERT_EQ(render(batch.depth, depth_column, row),
                    render(history, *history.schema().index_of(name), match))
              << name << " at " << where;
        }
      }
    }
    // A two-sided book unless sealed at a limit, never crossed.
    ASSERT_FALSE(is_null(batch.depth, "bid1_price", row) && is_null(batch.depth, "ask1_price", row))
        << where;
    if (!is_null(batch.depth, "bid1_price", row) && !is_null(batch.depth, "ask1_price", row)) {
      ASSERT_LT(column<int64_t>(batch.depth, "bid1_price")[row],
                column<int64_t>(batch.depth, "ask1_price")[row])
          << where;
    }
  }
  // The next call continues: one mark, one depth row per trading security.
  clock_.advance_ms(3000);
  EXPECT_EQ(ok_batch(live->next_batch()).depth.num_rows(), trading.size());
}

TEST_F(LiveFeedDepthTest, TheSameSeedStreamsTheSameDepth) {
  auto first = make(20, 5);
  auto second = make(20, 5);
  clock_.set_ms(at(2024, 5, 8, 14, 0, 0));
  LiveOptions options;
  options.index_quotes = false;
  auto a = feed(*first, options);
  auto b = feed(*second, options);
  clock_.advance_ms(30000);
  const LiveBatch one = ok_batch(a->next_batch());
  const LiveBatch two = ok_batch(b->next_batch());
  ASSERT_GT(one.depth.num_rows(), 0u);
  ASSERT_EQ(one.depth.num_rows(), two.depth.num_rows());
  for (size_t column_idx = 0; column_idx < one.depth.num_columns(); ++column_idx) {
    EXPECT_TRUE(one.depth.column(column_idx).values() == two.depth.column(column_idx).values())
        << one.depth.schema().field(column_idx).name;
    EXPECT_EQ(one.depth.column(column_idx).validity(), two.depth.column(column_idx).validity());
  }
}

}  // namespace
}  // namespace mystocks::sources::test
