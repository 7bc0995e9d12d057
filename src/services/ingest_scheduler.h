// IngestScheduler: runs configured ingest jobs at a time of day in Asia/Shanghai on trading days
// (the daily update at 15:30, after the close). Time comes from the injected Clock and trading
// days from the trading calendar, so tests drive it with a ManualClock and run_due() - no sleeps.
// A job fires at most once per trading date; when the process starts after the time on a
// trading day, the day's run fires at once (the jobs resume, so a repeat costs little).
// Thread-safety: add() before start(); run_due() and next_due_ms() may be called from any thread
// (one mutex). start() runs a thread that sleeps until the next due time (or stop()).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/config.h"
#include "core/status.h"
#include "core/timestamp.h"
#include "services/ingest_spec.h"
#include "sources/simulator/trading_calendar.h"

namespace mystocks::services {

struct DailyTime {
  int hour = 15;
  int minute = 30;
  friend bool operator==(const DailyTime&, const DailyTime&) = default;
};

// Parses ingest.schedule: "daily@HH:MM" (Asia/Shanghai); "" = nullopt (scheduler off).
// kInvalidConfig naming `field` otherwise.
Result<std::optional<DailyTime>> parse_schedule(std::string_view text,
                                                std::string_view field = "ingest.schedule");

struct ScheduledJob {
  std::string name;  // for logs: "daily-update:daily"
  DailyTime at;
  // The job for a trading date (typically that date only, all symbols).
  std::function<IngestJobSpec(Date trading_day)> make_spec;
};

// The jobs the `ingest` section configures: one per ingest.schedule_datasets entry, all symbols,
// from = to = the trading date, ingest.schedule_source, ingest.strategy. Empty when
// ingest.schedule is "".
Result<std::vector<ScheduledJob>> scheduled_jobs(const IngestConfig& config);

class IngestScheduler {
 public:
  // `submit` hands a due job over (JobRunner::submit); its failure is logged, and the day counts
  // as run (a full queue does not make the scheduler spin).
  using Submit = std::function<Status(const ScheduledJob& job, IngestJobSpec spec)>;

  IngestScheduler(const Clock& clock, const sources::TradingCalendar& calendar, Submit submit);
  ~IngestScheduler();

  void add(ScheduledJob job);
  // Submits every job due now that has not run for today's date; returns how many it submitted.
  int run_due();
  // The next instant (epoch ms) a job is due after the runs done so far; nullopt without jobs or
  // when the calendar covers no trading day ahead.
  std::optional<int64_t> next_due_ms() const;

  void start();
  void stop();

 private:
  struct Slot {
    ScheduledJob job;
    int32_t last_run_day = INT32_MIN;  // trading date of the last run
  };
  // The scheduler thread: run_due(), then sleep until the next due time or stop().
  void run();
  // Due time of `slot` on the first trading day >= `from` it has not run on.
  std::optional<int64_t> due_ms_locked(const Slot& slot, Date from) const;  // REQUIRES: mutex_

  const Clock& clock_;
  const sources::TradingCalendar& calendar_;
  Submit submit_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Slot> slots_;  // GUARDED_BY(mutex_)
  bool stopping_ = false;    // GUARDED_BY(mutex_)
  std::thread thread_;
};

}  // namespace mystocks::services
