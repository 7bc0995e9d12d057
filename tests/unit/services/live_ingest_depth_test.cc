// LiveIngest's order_book_depth output over the DataManager fixture (real SQLite, recording
// time-series store): every pump saves the feed's depth rows right after its ticks, one per
// tick in the continuous session, and announces them with DataChanged (what the depth room
// pushes).
#include <map>

#include "services/live_ingest.h"
#include "unit/services/simulator_data_manager_fixture.h"

namespace mystocks::services::test {
namespace {

using LiveIngestDepthTest = SimulatorDataManagerTest;

TEST_F(LiveIngestDepthTest, PumpsSaveDepthRightAfterTheTicksAndAnnounceIt) {
  sources::LiveOptions options;
  options.index_quotes = false;
  std::unique_ptr<LiveIngest> live = live_ingest_from("2024-05-07T10:00:00+08:00", options);
  ASSERT_NE(live, nullptr);
  std::map<std::string, int64_t> announced;
  manager_->subscribe([&](const DataChanged& event) { announced[event.table] += event.rows; });
  clock_.advance_ms(15000);  // five marks, 10:00:03 .. 10:00:15
  MYSTOCKS_ASSERT_OK(live->pump());

  std::vector<std::string> order;
  int64_t tick_rows = 0;
  int64_t depth_rows = 0;
  for (const auto& [table, batch] : time_series_.written) {
    if (order.empty() || order.back() != table) order.push_back(table);
    if (table == "tick") tick_rows += static_cast<int64_t>(batch.num_rows());
    if (table == "order_book_depth") depth_rows += static_cast<int64_t>(batch.num_rows());
  }
  ASSERT_GE(order.size(), 2u);
  EXPECT_EQ(order[0], "tick");
  EXPECT_EQ(order[1], "order_book_depth");
  EXPECT_GT(tick_rows, 0);
  EXPECT_EQ(tick_rows % 5, 0);
  EXPECT_EQ(depth_rows, tick_rows);  // the continuous session: every tick has its book
  EXPECT_EQ(announced["order_book_depth"], depth_rows);
  EXPECT_EQ(live->stats().rows_saved, announced["tick"] + depth_rows + announced["realtime_quote"] +
                                          announced["minute_kline"]);

  // What was saved is the schema's 10-level row: levels 1-5 filled (or null at a limit), 6-10
  // null.
  const RecordBatch& depth = time_series_.written[1].second;
  ASSERT_EQ(time_series_.written[1].first, "order_book_depth");
  for (size_t row = 0; row < depth.num_rows(); ++row) {
    EXPECT_FALSE(depth.column("bid1_price")->is_null(row) &&
                 depth.column("ask1_price")->is_null(row));
    EXPECT_TRUE(depth.column("bid6_price")->is_null(row));
    EXPECT_TRUE(depth.column("ask10_volume")->is_null(row));
  }
}

}  // namespace
}  // namespace mystocks::services::test
