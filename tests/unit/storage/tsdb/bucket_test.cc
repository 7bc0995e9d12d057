// Trading-session and epoch bucketing, as a table: local time (Asia/Shanghai), interval,
// expected bucket start (local time) or "-" for no bucket.
#include <gtest/gtest.h>

#include "core/timestamp.h"
#include "storage/tsdb/bucket.h"

namespace mystocks::tsdb {
namespace {

struct Case {
  const char* local;     // "HH:MM:SS" on 2024-01-02
  int64_t interval_ms;
  const char* expected;  // bucket start "HH:MM:SS", "00:00:00" for daily, "-" for none
};

int64_t at(const char* hms) {
  int hour = 0, minute = 0, second = 0;
  std::sscanf(hms, "%d:%d:%d", &hour, &minute, &second);
  return shanghai_time(Date::from_ymd(2024, 1, 2), hour, minute, second);
}

TEST(BucketTest, TradingSessionBucketsFollowTheTable) {
  const Case cases[] = {
      {"09:30:00", 60'000, "09:30:00"},  {"09:30:59", 60'000, "09:30:00"},
      {"09:31:00", 60'000, "09:31:00"},  {"09:25:00", 60'000, "09:30:00"},  // opening auction
      {"09:15:00", 300'000, "09:30:00"}, {"09:14:59", 60'000, "-"},
      {"11:29:59", 60'000, "11:29:00"},  {"11:30:00", 60'000, "11:29:00"},  // last morning tick
      {"12:00:00", 60'000, "11:29:00"},  {"13:00:00", 60'000, "13:00:00"},
      {"14:59:59", 60'000, "14:59:00"},  {"15:00:00", 60'000, "14:59:00"},  // closing auction
      {"15:00:03", 300'000, "14:55:00"}, {"15:30:00", 60'000, "-"},
      {"10:29:59", 3'600'000, "09:30:00"}, {"10:30:00", 3'600'000, "10:30:00"},
      {"11:30:00", 3'600'000, "10:30:00"}, {"13:59:00", 3'600'000, "13:00:00"},
      {"14:00:00", 3'600'000, "14:00:00"}, {"09:44:00", 900'000, "09:30:00"},
      {"09:45:00", 1'800'000, "09:30:00"}, {"10:00:00", 1'800'000, "10:00:00"},
      {"13:29:00", 1'800'000, "13:00:00"}, {"09:31:00", 86'400'000, "00:00:00"},
      {"15:10:00", 86'400'000, "00:00:00"}, {"08:00:00", 86'400'000, "-"},
  };
  for (const Case& c : cases) {
    Result<Bucketer> bucketer = Bucketer::make(c.interval_ms, storage::BucketAlignment::kTradingSession);
    ASSERT_TRUE(bucketer.is_ok()) << c.interval_ms;
    const int64_t bucket = bucketer->bucket_start(at(c.local));
    if (std::string(c.expected) == "-") {
      EXPECT_EQ(bucket, Bucketer::kNoBucket) << c.local << " / " << c.interval_ms;
    } else {
      EXPECT_EQ(bucket, at(c.expected)) << c.local << " / " << c.interval_ms << " got "
                                        << format_iso8601_utc(bucket);
    }
  }
}

TEST(BucketTest, IntervalsThatSpanLunchAreRejected) {
  for (int64_t interval : {0LL, -60'000LL, 7 * 60'000LL, 90 * 60'000LL, 61'000LL}) {
    Result<Bucketer> bucketer = Bucketer::make(interval, storage::BucketAlignment::kTradingSession);
    ASSERT_FALSE(bucketer.is_ok()) << interval;
    EXPECT_EQ(bucketer.status().field(), "interval_ms");
  }
  EXPECT_TRUE(Bucketer::make(7 * 60'000, storage::BucketAlignment::kEpoch).is_ok());
}

TEST(BucketTest, EpochBucketsAreMultiplesOfTheInterval) {
  Result<Bucketer> bucketer = Bucketer::make(60'000, storage::BucketAlignment::kEpoch);
  ASSERT_TRUE(bucketer.is_ok());
  EXPECT_EQ(bucketer->bucket_start(1'704'159'012'345), 1'704'159'000'000);
  EXPECT_EQ(bucketer->bucket_start(-1), -60'000);
}

}  // namespace
}  // namespace mystocks::tsdb
