#include "sources/simulator/trading_calendar.h"

#include <gtest/gtest.h>

namespace mystocks::sources {
namespace {

struct DayCase {
  std::string_view date;
  bool trading;
  std::string_view why;
};

// Closures from the exchanges' annual notices; adjusted working weekends stay closed.
TEST(TradingCalendarTest, KnowsHolidaysWeekendsAndWorkingWeekends) {
  const DayCase cases[] = {
      {"2020-01-02", true, "first trading day of 2020"},
      {"2020-01-31", false, "Spring Festival 2020, extended by the epidemic notice"},
      {"2020-02-03", true, "reopened after the extended Spring Festival"},
      {"2021-02-10", true, "the day before Spring Festival 2021"},
      {"2021-02-11", false, "Spring Festival 2021"},
      {"2023-01-28", false, "a working Saturday: the market stays closed"},
      {"2023-09-29", false, "Mid-Autumn and National Day 2023"},
      {"2024-02-08", true, "last trading day before Spring Festival 2024"},
      {"2024-02-09", false, "Spring Festival Eve 2024 closure"},
      {"2024-02-19", true, "reopened after Spring Festival 2024"},
      {"2024-06-10", false, "Dragon Boat Festival 2024"},
      {"2024-10-08", true, "after National Day 2024"},
      {"2025-01-27", true, "before Spring Festival 2025"},
      {"2025-02-04", false, "Spring Festival 2025"},
      {"2025-10-08", false, "National Day and Mid-Autumn 2025"},
      {"2025-10-09", true, "after National Day 2025"},
      {"2026-01-02", false, "New Year 2026"},
      {"2026-01-05", true, "first trading day of 2026"},
      {"2026-02-23", false, "Spring Festival 2026"},
      {"2026-02-24", true, "after Spring Festival 2026"},
      {"2026-06-19", false, "Dragon Boat Festival 2026"},
      {"2026-09-25", false, "Mid-Autumn 2026"},
      {"2026-11-25", true, "an ordinary Wednesday"},
      {"2026-11-28", false, "Saturday"},
  };
  const TradingCalendar& calendar = TradingCalendar::china_a_shares();
  for (const DayCase& c : cases) {
    EXPECT_EQ(calendar.is_trading_day(*parse_date(c.date)), c.trading) << c.date << ": " << c.why;
  }
}

TEST(TradingCalendarTest, TradingDaysPerYearMatchThePublishedCounts) {
  // 2020-2025 as published; 2026 counted from the December 2025 notice.
  const std::pair<int, int> counts[] = {{2020, 243}, {2021, 243}, {2022, 242}, {2023, 242},
                                        {2024, 242}, {2025, 243}, {2026, 242}};
  const TradingCalendar& calendar = TradingCalendar::china_a_shares();
  for (const auto& [year, expected] : counts) {
    int days = 0;
    for (Date date : calendar.trading_days()) days += date.year() == year;
    EXPECT_EQ(days, expected) << year;
  }
}

TEST(TradingCalendarTest, ProjectsClosuresAfterTheLastNoticeSoTheDemoOutlivesIt) {
  const TradingCalendar& calendar = TradingCalendar::china_a_shares();
  // Across the end of the announced years: 2026-12-31 (Thu) trades, New Year 2027 does not.
  EXPECT_EQ(calendar.next_trading_day(*parse_date("2026-12-31"))->to_string(), "2026-12-31");
  EXPECT_EQ(calendar.next_trading_day(*parse_date("2027-01-01"))->to_string(), "2027-01-04");
  EXPECT_FALSE(calendar.is_trading_day(*parse_date("2027-02-08")));  // Spring Festival
  EXPECT_FALSE(calendar.is_trading_day(*parse_date("2028-10-03")));  // National Day
  for (int year = 2027; year <= 2030; ++year) {
    int days = 0;
    for (Date date : calendar.trading_days()) days += date.year() == year;
    EXPECT_GE(days, 238) << year;  // the announced years have 242-243
    EXPECT_LE(days, 246) << year;
  }
}

TEST(TradingCalendarTest, NavigatesAndRefusesUncoveredDates) {
  const TradingCalendar& calendar = TradingCalendar::china_a_shares();
  EXPECT_EQ(calendar.previous_trading_day(*parse_date("2024-02-19"))->to_string(), "2024-02-08");
  EXPECT_EQ(calendar.next_trading_day(*parse_date("2024-02-10"))->to_string(), "2024-02-19");
  EXPECT_EQ(calendar.day_index(*parse_date("2024-02-10")), -1);
  EXPECT_FALSE(calendar.next_trading_day(*parse_date("2031-01-04")).has_value());
  Status status = calendar.check_covered(*parse_date("2030-12-01"), *parse_date("2031-01-10"));
  EXPECT_EQ(status.code(), ErrorCode::kOutOfRange);
  EXPECT_NE(status.message().find("2031-01-10"), std::string::npos) << status.message();
  EXPECT_EQ(status.field(), "to");
}

}  // namespace
}  // namespace mystocks::sources
