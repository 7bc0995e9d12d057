#include "sources/simulator/market_simulator.h"

namespace mystocks::sources {

MarketSimulator::MarketSimulator(SimulatorOptions options)
    : options_(options),
      calendar_(&TradingCalendar::china_a_shares()),
      universe_(Universe::generate(options.seed, options.symbol_count)),
      market_(options.seed, *calendar_) {}

void MarketSimulator::stock_days(uint32_t security, int last_day,
                                 std::vector<StockDay>& out) const {
  simulate_stock_days(universe_.securities()[security], security, market_, *calendar_,
                      options_.seed, last_day, out);
}

std::vector<std::vector<StockDay>> MarketSimulator::member_days(uint32_t index,
                                                                int last_day) const {
  const IndexInfo& info = universe_.indices()[index];
  std::vector<std::vector<StockDay>> days(info.members.size());
  for (size_t k = 0; k < info.members.size(); ++k) stock_days(info.members[k], last_day, days[k]);
  return days;
}

std::vector<IndexDay> MarketSimulator::index_days(uint32_t index, int last_day) const {
  return simulate_index_days(universe_.indices()[index], universe_, *calendar_,
                             member_days(index, last_day), last_day);
}

std::vector<MarketBridge> MarketSimulator::bridges(int first, int last) const {
  std::vector<MarketBridge> out;
  for (int day = first; day <= last; ++day) out.push_back(market_.intraday_bridge(day));
  return out;
}

DayPlan MarketSimulator::stock_plan(uint32_t security, const StockDay& day, int day_index,
                                    const MarketBridge* bridge) const {
  if (bridge == nullptr) {
    const MarketBridge own = market_.intraday_bridge(day_index);
    return stock_plan(security, day, day_index, &own);
  }
  return plan_stock_day(universe_.securities()[security], security, day, *bridge, options_.seed,
                        day_index, calendar_->trading_days()[day_index]);
}

DayPlan MarketSimulator::index_plan(uint32_t index, const IndexDay& day, int day_index,
                                    const MarketBridge* bridge) const {
  if (bridge == nullptr) {
    const MarketBridge own = market_.intraday_bridge(day_index);
    return index_plan(index, day, day_index, &own);
  }
  return plan_index_day(universe_.indices()[index], index, day, *bridge, options_.seed, day_index,
                        calendar_->trading_days()[day_index]);
}

TickGenerator MarketSimulator::stock_ticks(const DayPlan& plan, uint32_t security) const {
  return TickGenerator(plan, options_.seed, security, /*with_book=*/true);
}

TickGenerator MarketSimulator::index_ticks(const DayPlan& plan, uint32_t index) const {
  return TickGenerator(plan, options_.seed, kIndexStreamBase + index, /*with_book=*/false);
}

}  // namespace mystocks::sources
