#include "core/timestamp.h"

#include <gtest/gtest.h>

namespace mystocks {
namespace {

// 2024-01-31 09:30:00 Asia/Shanghai == 2024-01-31T01:30:00Z == 1706664600000 ms.
constexpr TimestampMs kOpen = 1706664600000;

TEST(DateTest, ParsesBothFormsAndRejectsImpossibleDates) {
  EXPECT_EQ(parse_date("2024-01-31")->to_string(), "2024-01-31");
  EXPECT_EQ(parse_date("20240229")->to_string(), "2024-02-29");
  EXPECT_FALSE(parse_date("2023-02-29").is_ok());
  EXPECT_FALSE(parse_date("2024-13-01").is_ok());
  EXPECT_FALSE(parse_date("2024/01/31").is_ok());
  EXPECT_FALSE(parse_date("").is_ok());
  Result<Date> bad = parse_date("2024-1-31", "start");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.status().field(), "start");
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidTimestamp);
}

TEST(DateTest, WeekdayAndEpoch) {
  EXPECT_EQ(Date{0}.to_string(), "1970-01-01");
  EXPECT_EQ(Date::from_ymd(2024, 1, 31).weekday(), 3u);  // Wednesday
  EXPECT_TRUE(Date::from_ymd(2024, 2, 3).is_weekend());
  EXPECT_EQ(Date::from_ymd(1969, 12, 31).days, -1);
}

TEST(TimestampTest, ParsesEpochDatesAndIsoWithOffsets) {
  EXPECT_EQ(*parse_timestamp("1706664600000"), kOpen);
  EXPECT_EQ(*parse_timestamp("2024-01-31T09:30:00+08:00"), kOpen);
  EXPECT_EQ(*parse_timestamp("2024-01-31T01:30:00Z"), kOpen);
  EXPECT_EQ(*parse_timestamp("2024-01-31T01:30:00.250Z"), kOpen + 250);
  EXPECT_EQ(*parse_timestamp("2024-01-31T01:30Z"), kOpen);
  EXPECT_EQ(*parse_timestamp("2024-01-31"), kOpen - (9 * 60 + 30) * kMillisPerMinute);
  EXPECT_FALSE(parse_timestamp("2024-01-31T09:30:00").is_ok());  // no offset: ambiguous
  EXPECT_FALSE(parse_timestamp("2024-01-31T25:00:00Z").is_ok());
  EXPECT_FALSE(parse_timestamp("yesterday").is_ok());
  EXPECT_EQ(format_iso8601_utc(kOpen + 250), "2024-01-31T01:30:00.250Z");
  EXPECT_EQ(format_iso8601_utc(-1), "1969-12-31T23:59:59.999Z");
}

TEST(TimestampTest, ShanghaiDateCrossesUtcMidnight) {
  // 2024-01-31T20:00Z is already 2024-02-01 04:00 in Shanghai.
  EXPECT_EQ(shanghai_date(*parse_timestamp("2024-01-31T20:00:00Z")).to_string(), "2024-02-01");
  EXPECT_EQ(shanghai_time(Date::from_ymd(2024, 1, 31), 9, 30), kOpen);
}

TEST(SessionTest, PhasesFollowTheExchangeTimetable) {
  const Date day = Date::from_ymd(2024, 1, 31);
  auto at = [&](int hour, int minute) { return shanghai_time(day, hour, minute); };
  EXPECT_EQ(session_phase(at(9, 14)), SessionPhase::kClosed);
  EXPECT_EQ(session_phase(at(9, 15)), SessionPhase::kCallAuction);
  EXPECT_EQ(session_phase(at(9, 25)), SessionPhase::kPreOpen);
  EXPECT_EQ(session_phase(at(9, 30)), SessionPhase::kMorning);
  EXPECT_EQ(session_phase(at(11, 29)), SessionPhase::kMorning);
  EXPECT_EQ(session_phase(at(11, 30)), SessionPhase::kClosed);
  EXPECT_EQ(session_phase(at(13, 0)), SessionPhase::kAfternoon);
  EXPECT_EQ(session_phase(at(15, 0)), SessionPhase::kClosed);
}

TEST(SessionTest, TradingMinuteIndexRoundTrips) {
  const Date day = Date::from_ymd(2024, 1, 31);
  EXPECT_EQ(trading_minute_index(shanghai_time(day, 9, 30)), 0);
  EXPECT_EQ(trading_minute_index(shanghai_time(day, 11, 29, 59)), 119);
  EXPECT_EQ(trading_minute_index(shanghai_time(day, 13, 0)), 120);
  EXPECT_EQ(trading_minute_index(shanghai_time(day, 14, 59, 59)), 239);
  EXPECT_EQ(trading_minute_index(shanghai_time(day, 12, 0)), -1);
  for (int index = 0; index < kTradingMinutesPerDay; ++index) {
    EXPECT_EQ(trading_minute_index(trading_minute_start(day, index)), index);
  }
}

}  // namespace
}  // namespace mystocks
