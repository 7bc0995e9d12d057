// Restarts of the live feed on a manual clock: SessionClock::continuing_from and resume_session
// as tables, then feeds that resume after a stored point - the demo's session clock goes on from
// it and a restarted run emits exactly what an uninterrupted one would; market hours catch up the
// gap; an older stored point (the seed's history) starts fresh.
#include <optional>

#include "sources/simulator/live_feed.h"
#include "unit/sources/live_feed_fixture.h"

namespace mystocks::sources::test {
namespace {

struct ContinuingCase {
  std::string_view market_start;  // ISO-8601: where the stored session ends
  double speed;
  int64_t elapsed_ms;       // wall ms after the restart
  std::string_view market;  // ISO-8601 UTC
};

TEST(SessionClockTest, ContinuingFromPutsTheStoredPointOnTheSession) {
  // The wall clock's time of day plays no part: a Thursday evening restart.
  const TimestampMs wall = *parse_timestamp("2024-05-09T20:00:00+08:00");
  const ContinuingCase cases[] = {
      {"2024-05-07T10:15:30+08:00", 1, 0, "2024-05-07T02:15:30.000Z"},
      {"2024-05-07T10:15:30+08:00", 1, 60000, "2024-05-07T02:16:30.000Z"},
      // The morning's end and the lunch break go on at 13:00.
      {"2024-05-07T11:30:00+08:00", 1, 0, "2024-05-07T05:00:00.000Z"},
      {"2024-05-07T12:10:00+08:00", 1, 3000, "2024-05-07T05:00:03.000Z"},
      // The close goes on at the next date's 09:30, not this date's again.
      {"2024-05-07T15:00:00+08:00", 1, 0, "2024-05-08T01:30:00.000Z"},
      {"2024-05-07T14:59:00+08:00", 10, 12000, "2024-05-08T01:31:00.000Z"},
      // Before the open: 09:30 of that date.
      {"2024-05-07T08:00:00+08:00", 1, 0, "2024-05-07T01:30:00.000Z"},
  };
  for (const ContinuingCase& c : cases) {
    const SessionClock clock =
        SessionClock::continuing_from(wall, c.speed, *parse_timestamp(c.market_start));
    EXPECT_TRUE(clock.always_open());
    EXPECT_EQ(format_iso8601_utc(clock.market_time(wall + c.elapsed_ms)), c.market)
        << c.market_start << " x" << c.speed << " +" << c.elapsed_ms;
  }
}

struct ResumeCase {
  std::string_view wall_now;  // ISO-8601: the restart
  bool always_open;
  std::string_view stored;  // ISO-8601: newest stored live instant
  // Expected market time at the restart (ISO-8601 UTC); empty = no resume, a fresh start.
  std::string_view market;
};

TEST(SessionClockTest, ResumeSessionContinuesFromTheStoredPointOfThisSessionOrLater) {
  const ResumeCase cases[] = {
      // Demo restarted in the evening: not 09:30 again but where the store ends.
      {"2024-05-07T20:00:00+08:00", true, "2024-05-07T09:45:00+08:00", "2024-05-07T01:45:00.000Z"},
      // Demo restarted later in the day: no jump ahead to the wall clock's time of day either.
      {"2024-05-07T10:30:00+08:00", true, "2024-05-07T10:05:00+08:00", "2024-05-07T02:05:00.000Z"},
      // An earlier fast run got days ahead: still no step back.
      {"2024-05-07T10:30:00+08:00", true, "2024-05-09T11:00:00+08:00", "2024-05-09T03:00:00.000Z"},
      // The seed's history ends the day before: older than today's session, fresh start.
      {"2024-05-07T10:30:00+08:00", true, "2024-05-06T15:00:00+08:00", ""},
      // Market hours keep the wall clock (the cursor alone resumes).
      {"2024-05-07T10:30:00+08:00", false, "2024-05-07T10:05:00+08:00", "2024-05-07T02:30:00.000Z"},
      {"2024-05-07T10:30:00+08:00", false, "2024-05-07T11:00:00+08:00", "2024-05-07T02:30:00.000Z"},
      {"2024-05-07T10:30:00+08:00", false, "2024-05-06T14:00:00+08:00", ""},
  };
  for (const ResumeCase& c : cases) {
    const TimestampMs wall = *parse_timestamp(c.wall_now);
    const TimestampMs stored = *parse_timestamp(c.stored);
    const SessionClock fresh(wall, 1, c.always_open);
    const std::optional<SessionResume> resume = resume_session(fresh, wall, stored);
    const std::string where = std::string(c.wall_now) + " stored " + std::string(c.stored);
    if (c.market.empty()) {
      EXPECT_FALSE(resume.has_value()) << where;
      continue;
    }
    ASSERT_TRUE(resume.has_value()) << where;
    EXPECT_EQ(resume->cursor, stored) << where;
    EXPECT_EQ(resume->clock.always_open(), c.always_open) << where;
    EXPECT_EQ(format_iso8601_utc(resume->clock.market_time(wall)), c.market) << where;
  }
}

class LiveFeedResumeTest : public LiveFeedTest {
 protected:
  // A demo feed (always open, securities alone) restarted on Tuesday 2024-05-07 at 20:00 after
  // an earlier run whose newest stored market instant is `stored`.
  std::unique_ptr<LiveFeed> demo_restarted_after(const SimulatorSource& source,
                                                 TimestampMs stored) {
    clock_.set_ms(at(2024, 5, 7, 20, 0));
    LiveOptions options;
    options.always_open = true;
    options.index_quotes = false;
    options.resume_after = stored;
    return feed(source, options);
  }
  static TimestampMs last_ts(const RecordBatch& rows) {
    return column<int64_t>(rows, "ts").empty() ? 0 : column<int64_t>(rows, "ts").back();
  }
  // Every cell of `rows` as text, row by row: batches compare by value.
  static std::vector<std::string> rendered(const std::vector<const RecordBatch*>& parts) {
    std::vector<std::string> out;
    for (const RecordBatch* rows : parts) {
      for (size_t row = 0; row < rows->num_rows(); ++row) {
        std::string line;
        for (size_t column_idx = 0; column_idx < rows->num_columns(); ++column_idx) {
          line += render(*rows, column_idx, row) + "|";
        }
        out.push_back(std::move(line));
      }
    }
    return out;
  }
};

TEST_F(LiveFeedResumeTest, DemoRestartEmitsExactlyWhatAnUninterruptedRunWould) {
  auto source = make(20);
  const TimestampMs start = at(2024, 5, 7, 20, 0);  // Tuesday evening: the demo plays 09:30..
  LiveOptions options;
  options.always_open = true;
  options.speed = 10;
  clock_.set_ms(start);
  auto uninterrupted = feed(*source, options);
  auto before = feed(*source, options);
  clock_.set_ms(start + 60000);  // ten market minutes
  const LiveBatch first = ok_batch(before->next_batch());
  const TimestampMs stored = last_ts(first.ticks);
  ASSERT_EQ(stored, at(2024, 5, 7, 9, 40, 0));
  before.reset();

  // Down for half an hour of wall time; a fresh feed would go back to 09:30.
  clock_.set_ms(start + 60000 + 30 * 60000);
  EXPECT_EQ(feed(*source, options)->market_time(clock_.now_ms()), at(2024, 5, 7, 9, 30, 0));
  LiveOptions resumed_options = options;
  resumed_options.resume_after = stored;
  auto after = feed(*source, resumed_options);
  EXPECT_EQ(after->market_time(clock_.now_ms()), stored);
  EXPECT_EQ(ok_batch(after->next_batch()).ticks.num_rows(), 0u) << "nothing is replayed";
  clock_.advance_ms(30000);  // five more market minutes
  const LiveBatch second = ok_batch(after->next_batch());
  ASSERT_GT(second.ticks.num_rows(), 0u);
  EXPECT_EQ(column<int64_t>(second.ticks, "ts").front(), at(2024, 5, 7, 9, 40, 3));
  EXPECT_EQ(last_ts(second.ticks), at(2024, 5, 7, 9, 45, 0));
  EXPECT_EQ(column<int64_t>(second.index_quotes, "ts").front(), at(2024, 5, 7, 9, 40, 3));
  // Quotes continue from the newest snapshot; bars of the minutes that closed after the restart.
  EXPECT_EQ(column<int64_t>(second.quotes, "ts").front(), at(2024, 5, 7, 9, 45, 0));
  EXPECT_EQ(column<int64_t>(second.minute_bars, "ts").front(), at(2024, 5, 7, 9, 40, 0));

  // The same fifteen market minutes in one run: row for row what the two runs emitted.
  clock_.set_ms(start + 90000);
  const LiveBatch whole = ok_batch(uninterrupted->next_batch());
  EXPECT_EQ(rendered({&whole.ticks}), rendered({&first.ticks, &second.ticks}));
  EXPECT_EQ(rendered({&whole.index_quotes}), rendered({&first.index_quotes, &second.index_quotes}));
  EXPECT_EQ(rendered({&whole.minute_bars}), rendered({&first.minute_bars, &second.minute_bars}));
}

TEST_F(LiveFeedResumeTest, DemoStoredAtTheCloseContinuesOnTheNextDate) {
  auto source = make(10);
  auto live = demo_restarted_after(*source, at(2024, 5, 7, 15, 0, 0));
  clock_.advance_ms(6000);
  const LiveBatch batch = ok_batch(live->next_batch());
  ASSERT_GT(batch.ticks.num_rows(), 0u);
  EXPECT_EQ(column<int64_t>(batch.ticks, "ts").front(), at(2024, 5, 8, 9, 30, 3));
  EXPECT_EQ(last_ts(batch.ticks), at(2024, 5, 8, 9, 30, 6));
}

TEST_F(LiveFeedResumeTest, MarketHoursCatchUpTheGapOfTheSameDay) {
  auto source = make(10);
  LiveOptions options;
  options.index_quotes = false;
  options.resume_after = at(2024, 5, 7, 10, 1, 0);
  clock_.set_ms(at(2024, 5, 7, 10, 3, 0));  // down for two minutes
  auto live = feed(*source, options);
  EXPECT_EQ(live->market_time(clock_.now_ms()), clock_.now_ms()) << "the clock stays the wall's";
  const LiveBatch batch = ok_batch(live->next_batch());
  ASSERT_GT(batch.ticks.num_rows(), 0u);
  EXPECT_EQ(column<int64_t>(batch.ticks, "ts").front(), at(2024, 5, 7, 10, 1, 3));
  EXPECT_EQ(last_ts(batch.ticks), at(2024, 5, 7, 10, 3, 0));
  EXPECT_EQ(batch.ticks.num_rows() % 40, 0u);  // 40 whole marks

  // A stored point ahead of the clock (an earlier, faster run): silent until the clock passes it.
  options.resume_after = at(2024, 5, 7, 10, 5, 0);
  auto ahead = feed(*source, options);
  clock_.set_ms(at(2024, 5, 7, 10, 5, 0));
  EXPECT_EQ(ok_batch(ahead->next_batch()).ticks.num_rows(), 0u);
  clock_.advance_ms(3000);
  EXPECT_EQ(column<int64_t>(ok_batch(ahead->next_batch()).ticks, "ts").front(),
            at(2024, 5, 7, 10, 5, 3));
}

TEST_F(LiveFeedResumeTest, AStoredPointBeforeTheSessionDateStartsFresh) {
  auto source = make(10);
  auto live = demo_restarted_after(*source, at(2024, 5, 6, 15, 0, 0));  // the seed's last tick day
  EXPECT_EQ(live->market_time(clock_.now_ms()), at(2024, 5, 7, 9, 30, 0));
  clock_.advance_ms(3000);
  EXPECT_EQ(column<int64_t>(ok_batch(live->next_batch()).ticks, "ts").front(),
            at(2024, 5, 7, 9, 30, 3));
}

}  // namespace
}  // namespace mystocks::sources::test
