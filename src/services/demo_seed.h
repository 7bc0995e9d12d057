// Demo seeding: fills empty embedded stores from a data source (the simulator) so `mystocks demo`
// always has something to show: reference data (symbols, calendar, index constituents), about two
// years of daily bars for stocks and indices, fundamentals and fund flow, 20 trading days of
// 1-minute bars and 2 days of ticks, all ending at the last trading day before `today`. No
// order-book depth: the demo's live feed writes it from its first mark, and a seeded day would
// add as many rows as a day of ticks (the books are in the tick rows' bid/ask 1-5 anyway).
// Idempotent: a completed seed leaves the marker `demo.seeded_through` in system_config, and a
// store carrying it is not seeded again (restarts keep what the live feed added). A seed that
// stopped half-way (killed) has no marker and is redone; upserts make that harmless.
// Thread-safety: runs on the caller's thread; the DataManager is thread-safe, so the server may
// already be answering requests while this runs.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "core/timestamp.h"
#include "services/data_manager.h"
#include "sources/data_source.h"
#include "sources/simulator/trading_calendar.h"

namespace mystocks::services {

struct DemoSeedOptions {
  int daily_days = 500;   // trading days of daily bars, fundamentals and fund flow (~2 years)
  int minute_days = 20;   // trading days of 1-minute bars (0 = none)
  int tick_days = 2;      // trading days of Level-1 snapshots (0 = none)
  int symbols_per_fetch = 50;  // securities per source call for minute bars and ticks (memory)
  const Clock* clock = &SystemClock::instance();  // step timings and the marker's updated_at
  // When set and true, the seed stops after the current fetch with kCancelled (shutdown).
  const std::atomic<bool>* cancel = nullptr;
};

struct DemoSeedStep {
  std::string dataset;  // "daily", "minute:1m", "tick", ...
  int64_t rows = 0;
  double seconds = 0;
};

struct DemoSeedReport {
  bool already_seeded = false;
  Date first_day{};  // first daily bar
  Date last_day{};   // the last seeded trading day
  std::vector<DemoSeedStep> steps;
  double seconds = 0;
  int64_t rows() const;
};

inline constexpr std::string_view kDemoSeedMarker = "demo.seeded_through";

// Seeds `data` from `source` (every security it knows). `progress` (may be empty) hears each
// finished step. Fails with the first source or store error, naming the dataset.
Result<DemoSeedReport> seed_demo(DataManager& data, sources::IDataSource& source,
                                 const sources::TradingCalendar& calendar, Date today,
                                 const DemoSeedOptions& options,
                                 const std::function<void(const DemoSeedStep&)>& progress = {});

}  // namespace mystocks::services
