// K-line arithmetic against hand-computed values and a simple model: qfq/hfq adjustment,
// session resampling of 1-minute bars and week/month resampling of daily bars.
#include <chrono>
#include <map>
#include <random>

#include <gtest/gtest.h>

#include "services/market/bars.h"

namespace mystocks::services {
namespace {

TimestampMs at(int year, unsigned month, unsigned day, int hour = 0, int minute = 0) {
  return shanghai_time(Date::from_ymd(year, month, day), hour, minute);
}

TEST(KlineAdjustTest, ForwardAndBackwardMatchHandComputedPrices) {
  // Two days before a 10-for-10 bonus issue (factor 1 -> 2): close 20.000 then 10.100.
  Bars bars;
  bars.push(at(2024, 1, 2), 19'800, 20'200, 19'700, 20'000, 1000, 2000000);
  bars.push(at(2024, 1, 3), 10'050, 10'250, 9'990, 10'100, 2000, 2020000);
  Bars qfq = bars;
  // qfq: price x factor / newest factor (2): day 1 halves, day 2 unchanged.
  adjust_prices(qfq, {1.0, 2.0}, 2.0);
  EXPECT_EQ(qfq.close, (std::vector<int64_t>{10'000, 10'100}));
  EXPECT_EQ(qfq.open, (std::vector<int64_t>{9'900, 10'050}));
  EXPECT_EQ(qfq.low, (std::vector<int64_t>{9'850, 9'990}));
  EXPECT_EQ(qfq.volume, bars.volume) << "volumes are not adjusted";
  Bars hfq = bars;
  adjust_prices(hfq, {1.0, 2.0}, 1.0);
  EXPECT_EQ(hfq.close, (std::vector<int64_t>{20'000, 20'200}));
  EXPECT_EQ(hfq.high, (std::vector<int64_t>{20'200, 20'500}));
  // Rounding is half away from zero at the price scale: 10.001 x 1.5 / 2 = 7.50075 -> 7.501.
  Bars odd;
  odd.push(at(2024, 1, 2), 10'001, 10'001, 10'001, 10'001, 1, 1);
  adjust_prices(odd, {1.5}, 2.0);
  EXPECT_EQ(odd.close[0], 7'501);
}

// Random 1-minute bars over the session of `days` days, some minutes missing.
Bars random_minutes(int days, uint32_t seed) {
  std::mt19937 random(seed);
  Bars bars;
  for (int day = 0; day < days; ++day) {
    const Date date = Date::from_ymd(2024, 3, 4 + static_cast<unsigned>(day));
    for (int minute = 0; minute < kTradingMinutesPerDay; ++minute) {
      if (random() % 10 == 0) continue;
      const int64_t open = 10'000 + static_cast<int64_t>(random() % 500);
      const int64_t close = 10'000 + static_cast<int64_t>(random() % 500);
      bars.push(trading_minute_start(date, minute), open, std::max(open, close) + 7,
                std::min(open, close) - 3, close, 100 + random() % 50, 1000 + random() % 500);
    }
  }
  return bars;
}

TEST(KlineResampleTest, SessionBarsMatchAModelOfMinuteBuckets) {
  const Bars ones = random_minutes(3, 11);
  for (int minutes : {5, 15, 30, 60}) {
    // Model: bucket by (date, session minute / minutes), keyed by the bucket's start time.
    std::map<TimestampMs, std::vector<size_t>> buckets;
    for (size_t row = 0; row < ones.size(); ++row) {
      const int index = trading_minute_index(ones.ts[row]);
      buckets[trading_minute_start(shanghai_date(ones.ts[row]), index / minutes * minutes)]
          .push_back(row);
    }
    const Bars out = resample_session(ones, minutes);
    ASSERT_EQ(out.size(), buckets.size()) << minutes << "m";
    size_t bar = 0;
    for (const auto& [start, rows] : buckets) {
      EXPECT_EQ(out.ts[bar], start) << minutes << "m bar " << bar;
      EXPECT_EQ(out.open[bar], ones.open[rows.front()]);
      EXPECT_EQ(out.close[bar], ones.close[rows.back()]);
      int64_t high = INT64_MIN, low = INT64_MAX, volume = 0, amount = 0;
      for (size_t row : rows) {
        high = std::max(high, ones.high[row]);
        low = std::min(low, ones.low[row]);
        volume += ones.volume[row];
        amount += ones.amount[row];
      }
      EXPECT_EQ(out.high[bar], high);
      EXPECT_EQ(out.low[bar], low);
      EXPECT_EQ(out.volume[bar], volume);
      EXPECT_EQ(out.amount[bar], amount);
      ++bar;
    }
  }
}

TEST(KlineResampleTest, SixtyMinuteBarsStartAtTheSessionHours) {
  Bars ones;
  const Date date = Date::from_ymd(2024, 3, 4);
  for (int minute = 0; minute < kTradingMinutesPerDay; ++minute) {
    ones.push(trading_minute_start(date, minute), 1, 1, 1, 1, 1, 1);
  }
  const Bars out = resample_session(ones, 60);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out.ts,
            (std::vector<TimestampMs>{shanghai_time(date, 9, 30), shanghai_time(date, 10, 30),
                                      shanghai_time(date, 13, 0), shanghai_time(date, 14, 0)}));
  EXPECT_EQ(out.volume, (std::vector<int64_t>{60, 60, 60, 60}));
}

// Trading days (weekdays) of 2023-12-25 .. 2024-03-08 with a made-up price path.
Bars random_days(uint32_t seed) {
  std::mt19937 random(seed);
  Bars bars;
  for (Date date = Date::from_ymd(2023, 12, 25); date <= Date::from_ymd(2024, 3, 8); date.days++) {
    if (date.is_weekend()) continue;
    const int64_t open = 5'000 + static_cast<int64_t>(random() % 900);
    const int64_t close = 5'000 + static_cast<int64_t>(random() % 900);
    bars.push(shanghai_time(date, 0, 0), open, std::max(open, close) + 11,
              std::min(open, close) - 5, close, 10'000 + random() % 999,
              1'000'000 + random() % 99'999);
  }
  return bars;
}

// Model keys from <chrono>, a different calendar implementation than the one under test.
int64_t model_key(TimestampMs ts, CalendarBucket bucket) {
  using namespace std::chrono;
  const sys_days day{days{shanghai_date(ts).days}};
  if (bucket == CalendarBucket::kMonth) {
    const year_month_day ymd{day};
    return int{ymd.year()} * 100 + static_cast<int>(unsigned{ymd.month()});
  }
  const sys_days monday = day - days{(weekday{day}.iso_encoding() - 1)};
  return monday.time_since_epoch().count();
}

TEST(KlineResampleTest, WeekAndMonthBarsMatchAChronoModel) {
  const Bars daily = random_days(5);
  for (CalendarBucket bucket : {CalendarBucket::kWeek, CalendarBucket::kMonth}) {
    std::map<int64_t, std::vector<size_t>> groups;
    for (size_t row = 0; row < daily.size(); ++row)
      groups[model_key(daily.ts[row], bucket)].push_back(row);
    const Bars out = resample_calendar(daily, bucket);
    ASSERT_EQ(out.size(), groups.size());
    size_t bar = 0;
    for (const auto& [key, rows] : groups) {
      EXPECT_EQ(out.ts[bar], daily.ts[rows.front()]);
      EXPECT_EQ(out.open[bar], daily.open[rows.front()]);
      EXPECT_EQ(out.close[bar], daily.close[rows.back()]);
      int64_t high = INT64_MIN, low = INT64_MAX, volume = 0, amount = 0;
      for (size_t row : rows) {
        high = std::max(high, daily.high[row]);
        low = std::min(low, daily.low[row]);
        volume += daily.volume[row];
        amount += daily.amount[row];
      }
      EXPECT_EQ(out.high[bar], high);
      EXPECT_EQ(out.low[bar], low);
      EXPECT_EQ(out.volume[bar], volume);
      EXPECT_EQ(out.amount[bar], amount);
      ++bar;
    }
  }
  // The week of 2024-01-01 (Monday, New Year) spans both years; months do not.
  EXPECT_EQ(resample_calendar(daily, CalendarBucket::kWeek).size(), 11u);
  EXPECT_EQ(resample_calendar(daily, CalendarBucket::kMonth).size(), 4u);
}

TEST(KlineIntervalTest, NamesRoundTripAndUnknownNamesAreRejected) {
  for (const char* name : {"1m", "5m", "15m", "30m", "60m", "1d", "1w", "1M"}) {
    Result<KlineInterval> parsed = parse_kline_interval(name);
    ASSERT_TRUE(parsed.is_ok()) << name;
    EXPECT_EQ(kline_interval_name(*parsed), name);
  }
  Result<KlineInterval> bad = parse_kline_interval("2h");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.status().field(), "interval");
}

}  // namespace
}  // namespace mystocks::services
