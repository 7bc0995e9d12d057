// A restarted live feed against the real embedded stores: newest_live_instant reads where the
// stored session ends, and a demo feed resumed from it publishes (DataChanged, what realtime
// pushes) only rows after that point, leaves no gap in the stored ticks and keeps the newest
// quote equal to the newest tick.
#include "services/live_resume.h"

#include "services/live_ingest.h"
#include "sources/simulator/live_feed.h"
#include "unit/services/ingest_fixture.h"

namespace mystocks::services::test {
namespace {

using sources::test::at;

class LiveResumeTest : public IngestTest {
 protected:
  std::unique_ptr<sources::LiveFeed> feed(const sources::LiveOptions& options) {
    Result<std::unique_ptr<sources::LiveFeed>> created =
        sources::LiveFeed::create(simulator_->simulator(), catalog(), clock_, options);
    EXPECT_TRUE(created.is_ok()) << created.status().to_string();
    return created.is_ok() ? std::move(created).value() : nullptr;
  }

  std::optional<TimestampMs> newest() {
    Result<std::optional<TimestampMs>> found = newest_live_instant(*data_);
    EXPECT_TRUE(found.is_ok()) << found.status().to_string();
    return found.is_ok() ? *found : std::nullopt;
  }

  TimestampMs latest_ts(const std::string& table, const std::string& symbol) {
    Result<RecordBatch> rows = data_->latest(table, {symbol}, {"symbol", "ts"});
    EXPECT_TRUE(rows.is_ok()) << rows.status().to_string();
    return rows.is_ok() && rows->num_rows() == 1 ? rows->column("ts")->as<int64_t>()[0] : 0;
  }
};

TEST_F(LiveResumeTest, NewestLiveInstantIsTheNewestTickOrIndexSnapshot) {
  EXPECT_EQ(newest(), std::nullopt) << "an empty store has no live session";
  // A day of ticks (three symbols: one may be suspended), then a later index snapshot.
  const Date day = Date::from_ymd(2026, 11, 24);
  std::vector<Symbol> symbols;
  for (size_t index = 0; index < 3; ++index) {
    symbols.push_back(simulator_->simulator()->universe().securities()[index].symbol);
  }
  Result<RecordBatch> ticks = simulator_->ticks(sources::SourceRequest::range(symbols, day, day));
  ASSERT_TRUE(ticks.is_ok()) << ticks.status().to_string();
  ASSERT_GT(ticks->num_rows(), 0u);
  MYSTOCKS_ASSERT_OK(data_->save("tick", *ticks).status());
  EXPECT_EQ(newest(), at(2026, 11, 24, 15, 0, 0));

  clock_.set_ms(at(2026, 11, 25, 9, 30, 0));
  sources::LiveOptions options;
  options.symbols = {symbols[0]};
  std::unique_ptr<sources::LiveFeed> live = feed(options);
  Result<sources::LiveBatch> batch = live->next_batch(at(2026, 11, 25, 9, 30, 6));
  ASSERT_TRUE(batch.is_ok()) << batch.status().to_string();
  ASSERT_GT(batch->index_quotes.num_rows(), 0u);
  MYSTOCKS_ASSERT_OK(data_->save("index_quote", batch->index_quotes).status());
  EXPECT_EQ(newest(), at(2026, 11, 25, 9, 30, 6));
}

TEST_F(LiveResumeTest, ARestartedDemoFeedPublishesOnlyWhatComesAfterTheStoredRows) {
  clock_.set_ms(at(2026, 11, 25, 20, 0));  // Wednesday evening: the demo plays from 09:30
  sources::LiveOptions options;
  options.always_open = true;
  options.speed = 10;
  {
    LiveIngest live(feed(options), *data_, metrics_);
    clock_.advance_ms(60000);  // ten market minutes
    MYSTOCKS_ASSERT_OK(live.pump());
  }
  const std::optional<TimestampMs> stored = newest();
  ASSERT_EQ(stored, at(2026, 11, 25, 9, 40, 0));
  {
    std::lock_guard lock(events_mutex_);
    events_.clear();
  }

  clock_.advance_ms(30 * 60000);  // down for half an hour of wall time
  options.resume_after = stored;
  LiveIngest live(feed(options), *data_, metrics_);
  clock_.advance_ms(30000);  // five market minutes
  MYSTOCKS_ASSERT_OK(live.pump());
  EXPECT_EQ(live.stats().market_time, at(2026, 11, 25, 9, 45, 0));
  {
    std::lock_guard lock(events_mutex_);
    ASSERT_FALSE(events_.empty());
    for (const DataChanged& event : events_) {
      ASSERT_TRUE(event.has_range) << event.table;
      // A bar is stamped with its minute's start: the first closed after the restart is 09:40.
      const TimestampMs first = event.table == "minute_kline" ? *stored : *stored + 1;
      EXPECT_GE(event.range.start, first) << event.table << " replayed older rows";
    }
  }
  // Nothing skipped: a trading symbol's stored ticks are every 3 s from 09:30:03 to 09:45:00.
  Result<RecordBatch> quoted = data_->latest("realtime_quote", {}, {"symbol", "ts"});
  ASSERT_TRUE(quoted.is_ok() && quoted->num_rows() > 0) << quoted.status().to_string();
  const std::string symbol = quoted->column("symbol")->as<std::string>()[0];
  Result<RecordBatch> rows =
      data_->load("tick", {.columns = {"symbol", "ts"}, .symbols = {symbol}});
  ASSERT_TRUE(rows.is_ok()) << rows.status().to_string();
  const std::vector<int64_t>& ts = rows->column("ts")->as<int64_t>();
  ASSERT_EQ(ts.size(), 300u) << symbol;
  EXPECT_EQ(ts.front(), at(2026, 11, 25, 9, 30, 3));
  for (size_t row = 1; row < ts.size(); ++row) ASSERT_EQ(ts[row] - ts[row - 1], 3000) << row;
  // The quote the REST API serves is the newest tick's.
  EXPECT_EQ(latest_ts("realtime_quote", symbol), ts.back());
  EXPECT_EQ(newest(), at(2026, 11, 25, 9, 45, 0));
}

}  // namespace
}  // namespace mystocks::services::test
