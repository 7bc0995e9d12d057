// IngestScheduler on a ManualClock: the daily update fires at 15:30 Asia/Shanghai on trading
// days only, once per day; weekends and exchange holidays are skipped; schedules parse or fail
// naming the key.
#include "services/ingest_scheduler.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/metrics.h"
#include "core/thread_guard.h"
#include "support/assert_status.h"

namespace mystocks::services {
namespace {

TimestampMs shanghai(int year, unsigned month, unsigned day, int hour, int minute) {
  return shanghai_time(Date::from_ymd(year, month, day), hour, minute);
}

class SchedulerTest : public ::testing::Test {
 protected:
  SchedulerTest()
      : clock_(shanghai(2024, 4, 29, 9, 0)),  // Monday
        scheduler_(clock_, sources::TradingCalendar::china_a_shares(),
                   [this](const ScheduledJob& job, IngestJobSpec spec) {
                     submitted_.push_back(job.name + " " + spec.from.to_string() + ".." +
                                          spec.to.to_string());
                     return Status::ok();
                   }) {
    IngestConfig config;
    config.schedule = "daily@15:30";
    Result<std::vector<ScheduledJob>> jobs = scheduled_jobs(config);
    EXPECT_TRUE(jobs.is_ok()) << jobs.status().to_string();
    for (ScheduledJob& job : *jobs) scheduler_.add(std::move(job));
  }

  int at(TimestampMs ms) {
    clock_.set_ms(ms);
    return scheduler_.run_due();
  }

  ManualClock clock_;
  std::vector<std::string> submitted_;
  IngestScheduler scheduler_;
};

TEST_F(SchedulerTest, FiresAt1530OnTradingDaysOnlyAndOncePerDay) {
  EXPECT_EQ(at(shanghai(2024, 4, 29, 15, 29)), 0);
  EXPECT_EQ(at(shanghai(2024, 4, 29, 15, 30)), 2);  // daily and index_daily
  EXPECT_EQ(submitted_,
            (std::vector<std::string>{"daily-update:daily 2024-04-29..2024-04-29",
                                      "daily-update:index_daily 2024-04-29..2024-04-29"}));
  EXPECT_EQ(at(shanghai(2024, 4, 29, 15, 31)), 0);
  EXPECT_EQ(at(shanghai(2024, 4, 29, 23, 59)), 0);
  EXPECT_EQ(at(shanghai(2024, 4, 30, 15, 30)), 2);  // Tuesday
  // 2024-05-01..05-05: Labour Day closure (Wednesday..Sunday).
  for (unsigned day = 1; day <= 5; ++day) EXPECT_EQ(at(shanghai(2024, 5, day, 16, 0)), 0) << day;
  EXPECT_EQ(at(shanghai(2024, 5, 6, 15, 29)), 0);
  EXPECT_EQ(at(shanghai(2024, 5, 6, 15, 30)), 2);
  EXPECT_EQ(submitted_.size(), 6u);
}

TEST_F(SchedulerTest, NextDueSkipsWeekendsAndHolidays) {
  clock_.set_ms(shanghai(2024, 4, 30, 16, 0));
  EXPECT_EQ(scheduler_.next_due_ms(), shanghai(2024, 4, 30, 15, 30));  // not yet run today
  scheduler_.run_due();
  EXPECT_EQ(scheduler_.next_due_ms(), shanghai(2024, 5, 6, 15, 30));
  clock_.set_ms(shanghai(2024, 5, 4, 12, 0));  // Saturday in the closure
  EXPECT_EQ(scheduler_.next_due_ms(), shanghai(2024, 5, 6, 15, 30));
}

TEST_F(SchedulerTest, AStartAfterTheTimeRunsTheDayOnce) {
  EXPECT_EQ(at(shanghai(2024, 4, 29, 18, 0)), 2);
  EXPECT_EQ(at(shanghai(2024, 4, 29, 18, 1)), 0);
}

TEST(SchedulerThread, StartRunsDueJobsOnItsThreadAndStopReturnsPromptly) {
  ManualClock clock(shanghai(2024, 4, 29, 15, 45));
  std::mutex mutex;
  std::condition_variable submitted_cv;
  int submitted = 0;
  IngestScheduler scheduler(clock, sources::TradingCalendar::china_a_shares(),
                            [&](const ScheduledJob&, IngestJobSpec) {
                              std::lock_guard lock(mutex);
                              ++submitted;
                              submitted_cv.notify_all();
                              return Status::ok();
                            });
  IngestConfig config;
  config.schedule = "daily@15:30";
  config.schedule_datasets = "daily";
  Result<std::vector<ScheduledJob>> jobs = scheduled_jobs(config);
  ASSERT_TRUE(jobs.is_ok()) << jobs.status().to_string();
  for (ScheduledJob& job : *jobs) scheduler.add(std::move(job));
  scheduler.start();
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(
        submitted_cv.wait_for(lock, std::chrono::seconds(30), [&] { return submitted == 1; }));
  }
  const auto stop_started = std::chrono::steady_clock::now();
  scheduler.stop();  // the thread is waiting for the next day: stop wakes it
  EXPECT_LT(std::chrono::steady_clock::now() - stop_started, std::chrono::seconds(5));
  EXPECT_EQ(submitted, 1);
}

// The scheduler thread's body throws (the submit seam): the failure is logged and counted under
// the thread's name, the other due job is still submitted, the thread keeps running (readiness
// stays clean) and stop() returns.
TEST(SchedulerThread, ASubmissionThatThrowsIsReportedAndTheThreadGoesOn) {
  ManualClock clock(shanghai(2024, 4, 29, 15, 45));
  std::mutex mutex;
  std::condition_variable submitted_cv;
  std::vector<std::string> submitted;
  IngestScheduler scheduler(clock, sources::TradingCalendar::china_a_shares(),
                            [&](const ScheduledJob& job, IngestJobSpec) -> Status {
                              if (job.name == "daily-update:daily") {
                                throw std::runtime_error("runner exploded");
                              }
                              std::lock_guard lock(mutex);
                              submitted.push_back(job.name);
                              submitted_cv.notify_all();
                              return Status::ok();
                            });
  IngestConfig config;
  config.schedule = "daily@15:30";
  config.schedule_datasets = "daily,index_daily";
  Result<std::vector<ScheduledJob>> jobs = scheduled_jobs(config);
  ASSERT_TRUE(jobs.is_ok()) << jobs.status().to_string();
  for (ScheduledJob& job : *jobs) scheduler.add(std::move(job));
  Counter& failures = MetricsRegistry::global()
                          .counter("mystocks_thread_failures_total", "", {"thread"})
                          .with({"ingest-scheduler"});
  const double failures_before = failures.value();
  scheduler.start();
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(
        submitted_cv.wait_for(lock, std::chrono::seconds(30), [&] { return !submitted.empty(); }));
  }
  scheduler.stop();
  EXPECT_EQ(submitted, std::vector<std::string>{"daily-update:index_daily"});
  EXPECT_EQ(failures.value(), failures_before + 1);
  EXPECT_TRUE(stopped_threads_status().is_ok()) << stopped_threads_status().to_string();
}

TEST(Schedule, ParsesOrNamesTheKey) {
  EXPECT_EQ(*parse_schedule(""), std::nullopt);
  EXPECT_EQ(**parse_schedule("daily@09:05"), (DailyTime{9, 5}));
  for (const char* bad :
       {"daily@24:00", "daily@15:60", "daily@1530", "weekly@15:30", "15:30", "daily@15:30 "}) {
    Result<std::optional<DailyTime>> parsed = parse_schedule(bad);
    ASSERT_FALSE(parsed.is_ok()) << bad;
    EXPECT_EQ(parsed.status().field(), "ingest.schedule") << bad;
    EXPECT_NE(parsed.status().message().find("daily@HH:MM"), std::string::npos) << bad;
  }
  IngestConfig config;
  config.schedule = "daily@15:30";
  config.schedule_datasets = "daily,weekly";
  Result<std::vector<ScheduledJob>> jobs = scheduled_jobs(config);
  ASSERT_FALSE(jobs.is_ok());
  EXPECT_EQ(jobs.status().field(), "ingest.schedule_datasets");
  EXPECT_NE(jobs.status().message().find("'weekly'"), std::string::npos);
  config.schedule = "";
  EXPECT_TRUE(scheduled_jobs(config)->empty());
}

}  // namespace
}  // namespace mystocks::services
