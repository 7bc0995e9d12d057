// MarketSimulator: the whole simulated market behind the simulator source and the live feed:
// universe, trading calendar, market factor and the functions that derive any security's or
// index's day (daily path -> minute plan -> ticks). Everything is a pure function of the seed,
// so two simulators with the same options produce identical data.
// Immutable after construction: const methods are safe from any thread.
#pragma once

#include <cstdint>
#include <vector>

#include "core/status.h"
#include "core/symbol.h"
#include "sources/simulator/daily_model.h"
#include "sources/simulator/intraday_model.h"
#include "sources/simulator/tick_generator.h"
#include "sources/simulator/trading_calendar.h"
#include "sources/simulator/universe.h"

namespace mystocks::sources {

struct SimulatorOptions {
  uint64_t seed = 42;      // sources.simulator_seed
  int symbol_count = 300;  // sources.simulator_symbols, 1..20000
};

class MarketSimulator {
 public:
  explicit MarketSimulator(SimulatorOptions options);

  const SimulatorOptions& options() const { return options_; }
  uint64_t seed() const { return options_.seed; }
  const Universe& universe() const { return universe_; }
  const TradingCalendar& calendar() const { return *calendar_; }
  const MarketFactor& market() const { return market_; }

  // Daily path of a security (index into universe().securities()) over days 0..last_day.
  void stock_days(uint32_t security, int last_day, std::vector<StockDay>& out) const;
  // Daily paths of an index's members over days 0..last_day, in IndexInfo::members order.
  std::vector<std::vector<StockDay>> member_days(uint32_t index, int last_day) const;
  // Daily levels of an index (simulates its members).
  std::vector<IndexDay> index_days(uint32_t index, int last_day) const;

  // The market's intraday bridges of days [first, last], for planning many securities per day.
  std::vector<MarketBridge> bridges(int first, int last) const;

  // REQUIRES: day.trading. Without `bridge`, the day's is computed.
  DayPlan stock_plan(uint32_t security, const StockDay& day, int day_index,
                     const MarketBridge* bridge = nullptr) const;
  DayPlan index_plan(uint32_t index, const IndexDay& day, int day_index,
                     const MarketBridge* bridge = nullptr) const;
  // Ticks of a plan built by stock_plan / index_plan (the plan must outlive the generator).
  TickGenerator stock_ticks(const DayPlan& plan, uint32_t security) const;
  TickGenerator index_ticks(const DayPlan& plan, uint32_t index) const;

 private:
  SimulatorOptions options_;
  const TradingCalendar* calendar_;
  Universe universe_;
  MarketFactor market_;
};

// Index streams are keyed above every security's.
inline constexpr uint64_t kIndexStreamBase = 0x100000000ULL;

}  // namespace mystocks::sources
