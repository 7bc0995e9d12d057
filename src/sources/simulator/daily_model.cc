#include "sources/simulator/daily_model.h"

#include <algorithm>
#include <cmath>

#include "sources/simulator/random.h"

namespace mystocks::sources {
namespace {

constexpr double kMarketGapSigma = 0.004;
constexpr double kMarketReturnSigma = 0.011;
constexpr double kMarketDrift = 0.0002;
constexpr double kFatTailProbability = 0.02;  // days whose market move is 2.5x a normal one
constexpr double kNewsJumpProbability = 0.006;
constexpr double kMeanReversion = 0.004;
constexpr double kSuspendProbability = 0.0015;
constexpr double kStSuspendProbability = 0.004;
constexpr int64_t kMinDailyLots = 2000;  // keeps every trading minute supplied with trades

}  // namespace

MarketFactor::MarketFactor(uint64_t seed, const TradingCalendar& calendar) : seed_(seed) {
  const size_t days = calendar.trading_days().size();
  gap_.reserve(days);
  return_.reserve(days);
  Rng rng(seed, Stream::kMarket);
  for (size_t day = 0; day < days; ++day) {
    const double tail = rng.bernoulli(kFatTailProbability) ? 2.5 : 1.0;
    gap_.push_back(kMarketGapSigma * tail * rng.normal());
    return_.push_back(kMarketDrift + kMarketReturnSigma * tail * rng.normal());
  }
}

std::array<double, kTradingMinutesPerDay + 1> MarketFactor::intraday_bridge(int day) const {
  std::array<double, kTradingMinutesPerDay + 1> path{};
  Rng rng(seed_, Stream::kIntradayMarket, static_cast<uint64_t>(day));
  const double step = 0.7 * kMarketReturnSigma / std::sqrt(double{kTradingMinutesPerDay});
  for (int minute = 1; minute <= kTradingMinutesPerDay; ++minute) {
    path[minute] = path[minute - 1] + step * rng.normal();
  }
  const double end = path[kTradingMinutesPerDay];
  for (int minute = 0; minute <= kTradingMinutesPerDay; ++minute) {
    path[minute] -= end * minute / kTradingMinutesPerDay;  // pin both ends to zero
  }
  return path;
}

void simulate_stock_days(const SecurityInfo& security, uint32_t security_index,
                         const MarketFactor& market, const TradingCalendar& calendar, uint64_t seed,
                         int last_day, std::vector<StockDay>& out) {
  out.clear();
  out.reserve(static_cast<size_t>(last_day) + 1);
  Rng rng(seed, Stream::kDaily, security_index);
  const double anchor = std::log(static_cast<double>(security.initial_price));
  const double float_shares = static_cast<double>(security.float_shares);
  int64_t close = security.initial_price;
  int suspended_days = 0;
  for (int day = 0; day <= last_day; ++day) {
    StockDay today;
    today.pre_close = close;
    today.limits = price_limits(close, security.limit);
    // Every draw happens every day, so a suspension does not shift later days' randomness.
    const double gap_noise = rng.normal();
    const double noise = rng.normal();
    const double jump_draw = rng.uniform();
    const double jump_size = 0.06 + 0.06 * rng.uniform();
    const double jump_sign = rng.uniform() < 0.5 ? -1.0 : 1.0;
    const double volume_noise = rng.normal();
    const double suspend_draw = rng.uniform();
    const int suspend_length = static_cast<int>(rng.uniform_int(1, 8));

    const bool listed = calendar.trading_days()[day] >= security.list_date;
    if (suspended_days == 0 &&
        suspend_draw < (security.is_st ? kStSuspendProbability : kSuspendProbability)) {
      suspended_days = suspend_length;
    }
    if (!listed || suspended_days > 0) {
      if (suspended_days > 0) --suspended_days;
      today.open = today.close = close;
      out.push_back(today);
      continue;
    }
    const double deviation = std::log(static_cast<double>(close)) - anchor;
    double log_return = security.beta * market.close_return(day) + security.volatility * noise -
                        kMeanReversion * deviation;
    if (jump_draw < kNewsJumpProbability) log_return += jump_sign * jump_size;
    const double log_gap = security.beta * market.gap(day) + 0.35 * security.volatility * gap_noise;
    const double previous = static_cast<double>(close) / 100.0;
    today.open = clamp_to_limits(to_cents(previous * std::exp(log_gap)), today.limits);
    today.close = clamp_to_limits(to_cents(previous * std::exp(log_return)), today.limits);
    // Volume rises with the size of the move; a board sealed at a limit all day trades little.
    double activity = std::exp(0.3 * volume_noise) * (1.0 + 8.0 * std::fabs(log_return));
    const bool sealed = today.open == today.close &&
                        (today.close == today.limits.up || today.close == today.limits.down);
    if (sealed) activity *= 0.3;
    const int64_t lots = std::max<int64_t>(
        kMinDailyLots,
        static_cast<int64_t>(float_shares * security.turnover * activity / kLotShares));
    today.volume = lots * kLotShares;
    today.trading = true;
    close = today.close;
    out.push_back(today);
  }
}

std::vector<double> member_weights(const IndexInfo& index, const Universe& universe,
                                   const TradingCalendar& calendar,
                                   const std::vector<std::vector<StockDay>>& member_days, int day) {
  std::vector<double> weights(index.members.size(), 0.0);
  double total = 0.0;
  const Date date = calendar.trading_days()[day];
  for (size_t k = 0; k < index.members.size(); ++k) {
    const SecurityInfo& member = universe.securities()[index.members[k]];
    if (member.list_date > date) continue;
    weights[k] =
        static_cast<double>(member.float_shares) * static_cast<double>(member_days[k][day].close);
    total += weights[k];
  }
  if (total <= 0.0) return weights;
  for (double& weight : weights) weight = weight * 100.0 / total;
  return weights;
}

std::vector<IndexDay> simulate_index_days(const IndexInfo& index, const Universe& universe,
                                          const TradingCalendar& calendar,
                                          const std::vector<std::vector<StockDay>>& member_days,
                                          int last_day) {
  std::vector<IndexDay> days;
  days.reserve(static_cast<size_t>(last_day) + 1);
  double level = static_cast<double>(index.base_level);
  for (int day = 0; day <= last_day; ++day) {
    // Cap-weighted ratios over the members listed by the day (suspended ones contribute 1).
    const Date date = calendar.trading_days()[day];
    double base = 0.0;
    double open_cap = 0.0;
    double close_cap = 0.0;
    IndexDay today;
    for (size_t k = 0; k < index.members.size(); ++k) {
      const SecurityInfo& security = universe.securities()[index.members[k]];
      if (security.list_date > date) continue;
      const StockDay& member = member_days[k][day];
      const double shares = static_cast<double>(security.float_shares);
      base += shares * static_cast<double>(member.pre_close);
      open_cap += shares * static_cast<double>(member.open);
      close_cap += shares * static_cast<double>(member.close);
      today.volume += member.volume;
      today.amount += member.volume * (member.open + member.close) / 2;
    }
    today.pre_close = std::max<int64_t>(1, std::llround(level));
    const double open_level = base > 0.0 ? level * open_cap / base : level;
    const double close_level = base > 0.0 ? level * close_cap / base : level;
    today.open = std::max<int64_t>(1, std::llround(open_level));
    today.close = std::max<int64_t>(1, std::llround(close_level));
    level = close_level;
    days.push_back(today);
  }
  return days;
}

}  // namespace mystocks::sources
