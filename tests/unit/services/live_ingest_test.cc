// LiveIngest's forming-bar sink over the DataManager fixture (real SQLite, recording time-series
// store): forming bars reach the sink after the batch's saves and are never stored, closed bars
// are saved with final = true, the sink runs outside LiveIngest's lock, and a throwing sink is
// reported without stopping the feed.
#include "services/live_ingest.h"

#include <stdexcept>

#include "unit/services/simulator_data_manager_fixture.h"

namespace mystocks::services::test {
namespace {

class LiveIngestTest : public SimulatorDataManagerTest {
 protected:
  // The `final` values of every stored minute_kline row: 1 true, 0 false, -1 null.
  std::vector<int> stored_final_flags() const {
    std::vector<int> flags;
    for (const auto& [name, batch] : time_series_.written) {
      if (name != "minute_kline") continue;
      const Column* column = batch.column("final");
      for (size_t row = 0; row < batch.num_rows(); ++row) {
        flags.push_back(column == nullptr || column->is_null(row) ? -1
                                                                  : column->as<uint8_t>()[row]);
      }
    }
    return flags;
  }
};

TEST_F(LiveIngestTest, FormingBarsGoToTheSinkAfterTheSavesAndClosedBarsAreSavedFinal) {
  std::unique_ptr<LiveIngest> live =
      live_ingest_from("2024-05-07T09:30:00+08:00", first_two_securities());
  ASSERT_NE(live, nullptr);
  struct Call {
    std::string table;
    RecordBatch rows;
    int64_t ticks_stored = 0;  // ticks in the store when the sink ran
    int64_t pumps = 0;         // stats() from inside the sink: LiveIngest's lock is free
  };
  std::vector<Call> calls;
  live->set_forming_bar_sink([&](const storage::TableSchema& table, const RecordBatch& rows) {
    calls.push_back({table.name, rows, time_series_rows("tick"), live->stats().pumps});
  });

  clock_.advance_ms(30000);  // 09:30:30: minute 09:30 is forming
  MYSTOCKS_ASSERT_OK(live->pump());
  ASSERT_EQ(calls.size(), 1u);
  const Call first = calls[0];  // a copy: later calls grow the vector
  EXPECT_EQ(first.table, "minute_kline");
  ASSERT_GE(first.rows.num_rows(), 1u);  // one per trading security
  ASSERT_LE(first.rows.num_rows(), 2u);
  EXPECT_EQ(first.ticks_stored, time_series_rows("tick"));  // the batch was saved before
  EXPECT_GT(first.ticks_stored, 0);
  EXPECT_EQ(first.pumps, 0);
  const Column* flags = first.rows.column("final");
  ASSERT_NE(flags, nullptr);
  for (size_t row = 0; row < first.rows.num_rows(); ++row) {
    EXPECT_FALSE(flags->is_null(row));
    EXPECT_EQ(flags->as<uint8_t>()[row], 0u) << "row " << row;
    EXPECT_EQ(first.rows.column("ts")->as<int64_t>()[row],
              *parse_timestamp("2024-05-07T09:30:00+08:00"));
  }
  // Forming bars are not stored: no minute_kline row yet.
  EXPECT_EQ(time_series_rows("minute_kline"), 0);

  clock_.advance_ms(30000);  // 09:31:00 closes the minute: saved final, nothing forming
  MYSTOCKS_ASSERT_OK(live->pump());
  EXPECT_EQ(calls.size(), 1u);
  EXPECT_EQ(time_series_rows("minute_kline"), static_cast<int64_t>(first.rows.num_rows()));
  EXPECT_EQ(stored_final_flags(), std::vector<int>(first.rows.num_rows(), 1));

  clock_.advance_ms(3000);  // 09:31:03: the next minute forms
  MYSTOCKS_ASSERT_OK(live->pump());
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[1].rows.column("ts")->as<int64_t>()[0],
            *parse_timestamp("2024-05-07T09:31:00+08:00"));
  EXPECT_EQ(calls[1].pumps, 2);
  EXPECT_EQ(stored_final_flags(), std::vector<int>(first.rows.num_rows(), 1));
}

TEST_F(LiveIngestTest, AThrowingSinkFailsThePumpButTheFeedMovesOn) {
  std::unique_ptr<LiveIngest> live =
      live_ingest_from("2024-05-07T10:00:00+08:00", first_two_securities());
  ASSERT_NE(live, nullptr);
  live->set_forming_bar_sink([](const storage::TableSchema&, const RecordBatch&) {
    throw std::runtime_error("room closed");
  });
  clock_.advance_ms(6000);
  const Status failed = live->pump();
  EXPECT_EQ(failed.code(), ErrorCode::kInternal);
  EXPECT_NE(failed.message().find("room closed"), std::string::npos) << failed.to_string();
  EXPECT_EQ(live->stats().failures, 1);
  EXPECT_GT(time_series_rows("tick"), 0);  // the batch itself was saved

  // An empty function removes the sink.
  live->set_forming_bar_sink({});
  clock_.advance_ms(3000);
  MYSTOCKS_ASSERT_OK(live->pump());
  EXPECT_EQ(live->stats().market_time, clock_.now_ms());
  EXPECT_TRUE(live->stats().last_error.empty());
}

}  // namespace
}  // namespace mystocks::services::test
