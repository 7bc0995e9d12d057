#include "sources/simulator/intraday_model.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "sources/simulator/random.h"

namespace mystocks::sources {
namespace {

constexpr int64_t kMinLotsPerMinute = 4;  // room for the open, high, low and close trades
constexpr double kIndexMinuteSigma = 0.7 * 0.011 / 15.491933384829668;  // / sqrt(240)

// Relative activity of each minute: heavy after the open, a bump after lunch, heavy into the
// close. Computed once: it is the same every day.
const std::array<double, kMinutes>& profile() {
  static const std::array<double, kMinutes> table = [] {
    std::array<double, kMinutes> out{};
    for (int minute = 0; minute < kMinutes; ++minute) {
      const double from_open = minute;
      const double to_close = kMinutes - 1 - minute;
      out[minute] = 1.0 + 1.6 * std::exp(-from_open / 12.0) + 0.9 * std::exp(-to_close / 15.0);
      if (minute >= 120) out[minute] += 0.35 * std::exp(-(minute - 120) / 8.0);
    }
    return out;
  }();
  return table;
}

struct PathInputs {
  int64_t pre_close = 0;
  int64_t open = 0;
  int64_t close = 0;
  int64_t volume = 0;       // shares
  int64_t day_amount = -1;  // cents; -1 = price each minute at (O+H+L+C)/4
  PriceLimits limits;
  bool has_limits = true;
  double beta = 1.0;
  double minute_sigma = 0.0;  // own bridge step (log)
};

DayPlan plan_path(const PathInputs& in, const std::array<double, kMinutes + 1>& market, Rng& rng,
                  int day_index, Date date) {
  DayPlan plan;
  plan.date = date;
  plan.day = day_index;
  plan.pre_close = in.pre_close;
  plan.limits = in.limits;
  plan.has_limits = in.has_limits;
  auto clamp = [&](int64_t cents) {
    return clamp_to_limits(std::max<int64_t>(cents, 1), in.limits);
  };

  // Minute closes along the bridge; the last one is the day's close exactly.
  std::array<double, kMinutes + 1> own{};
  for (int m = 1; m <= kMinutes; ++m) own[m] = own[m - 1] + in.minute_sigma * rng.normal();
  const double own_end = own[kMinutes];
  const double log_open = std::log(static_cast<double>(in.open));
  const double log_close = std::log(static_cast<double>(in.close));
  std::array<int64_t, kMinutes> closes{};
  for (int m = 1; m <= kMinutes; ++m) {
    const double line = log_open + (log_close - log_open) * m / kMinutes;
    const double bridge = in.beta * market[m] + own[m] - own_end * m / kMinutes;
    closes[m - 1] = clamp(std::llround(std::exp(line + bridge)));
  }
  closes[kMinutes - 1] = in.close;

  // Volume: the auction's share first, then a floor per minute, the rest by the profile.
  const int64_t lots = in.volume / kLotShares;
  const int64_t auction_lots =
      lots == 0 ? 0 : std::max<int64_t>(1, std::llround(lots * (0.008 + 0.017 * rng.uniform())));
  const int64_t continuous = lots - auction_lots;
  const int64_t floor_lots = std::min<int64_t>(kMinLotsPerMinute, continuous / kMinutes);
  std::array<double, kMinutes> weights{};
  double weight_sum = 0.0;
  for (int m = 0; m < kMinutes; ++m) {
    weights[m] = profile()[m] * (0.55 + 0.9 * rng.uniform());
    weight_sum += weights[m];
  }
  std::array<int64_t, kMinutes> minute_lots{};
  const int64_t spread = continuous - floor_lots * kMinutes;
  int64_t assigned = 0;
  for (int m = 0; m < kMinutes; ++m) {
    minute_lots[m] = floor_lots + static_cast<int64_t>(spread * weights[m] / weight_sum);
    assigned += minute_lots[m];
  }
  for (int64_t left = continuous - assigned, m = 0; left > 0; --left, m = (m + 7) % kMinutes) {
    ++minute_lots[m];  // rounding leftovers, spread over the day
  }

  plan.auction_volume = auction_lots * kLotShares;
  plan.auction_amount = plan.auction_volume * in.open;
  plan.auction_trades = (auction_lots + 1) / 2;
  int64_t previous = in.open;
  const double tick_sigma = in.minute_sigma * static_cast<double>(in.open);
  for (int m = 0; m < kMinutes; ++m) {
    MinuteBar& bar = plan.minutes[m];
    const int64_t shares = minute_lots[m] * kLotShares;
    if (minute_lots[m] < kMinLotsPerMinute && m != kMinutes - 1) {
      // Too few trades to move the price: the minute stays at the last price.
      bar.open = bar.high = bar.low = bar.close = (m == 0 ? in.open : previous);
      closes[m] = bar.close;
    } else {
      bar.open = m == 0 ? in.open : previous;
      if (m > 0 && rng.uniform() < 0.4) bar.open = clamp(previous + (rng.uniform() < 0.5 ? -1 : 1));
      bar.close = closes[m];
      // |N(0,1)| from three uniforms (Irwin-Hall): wicks need a shape, not exact tails.
      const auto wick = [&] {
        const double normal = (rng.uniform() + rng.uniform() + rng.uniform() - 1.5) * 2.0;
        return static_cast<int64_t>(std::fabs(normal) * tick_sigma * 0.5);
      };
      bar.high = clamp(std::max(bar.open, bar.close) + wick());
      bar.low = clamp(std::min(bar.open, bar.close) - wick());
    }
    bar.volume = shares;
    // Shares are whole lots, so shares * (O+H+L+C) / 4 is an exact number of cents.
    bar.amount = shares * (bar.open + bar.high + bar.low + bar.close) / 4;
    bar.trades = (minute_lots[m] + 2) / 3;
    previous = bar.close;
  }
  MinuteBar& first = plan.minutes[0];
  first.volume += plan.auction_volume;
  first.amount += plan.auction_amount;
  first.trades += plan.auction_trades;

  if (in.day_amount >= 0) {
    // Indices: the day's amount is given; spread it over the minutes by volume (exact sum).
    const int64_t total_volume = std::max<int64_t>(1, in.volume);
    int64_t cumulative_volume = 0;
    int64_t cumulative_amount = 0;
    for (int m = 0; m < kMinutes; ++m) {
      cumulative_volume += plan.minutes[m].volume;
      __extension__ const __int128 scaled =
          static_cast<__int128>(in.day_amount) * cumulative_volume / total_volume;
      plan.minutes[m].amount = static_cast<int64_t>(scaled) - cumulative_amount;
      cumulative_amount = static_cast<int64_t>(scaled);
    }
    __extension__ const __int128 auction_share = static_cast<__int128>(plan.minutes[0].amount) *
                                                 plan.auction_volume /
                                                 std::max<int64_t>(1, plan.minutes[0].volume);
    plan.auction_amount = static_cast<int64_t>(auction_share);
  }

  // The auction's match is the first trade: before minute 0 the day already has it.
  plan.volume_before[0] = plan.auction_volume;
  plan.amount_before[0] = plan.auction_amount;
  plan.trades_before[0] = plan.auction_trades;
  plan.high_before[0] = plan.low_before[0] = in.open;
  for (int m = 0; m < kMinutes; ++m) {
    const MinuteBar& bar = plan.minutes[m];
    const int64_t continuous_volume = m == 0 ? bar.volume - plan.auction_volume : bar.volume;
    const int64_t continuous_amount = m == 0 ? bar.amount - plan.auction_amount : bar.amount;
    const int64_t continuous_trades = m == 0 ? bar.trades - plan.auction_trades : bar.trades;
    plan.volume_before[m + 1] = plan.volume_before[m] + continuous_volume;
    plan.amount_before[m + 1] = plan.amount_before[m] + continuous_amount;
    plan.trades_before[m + 1] = plan.trades_before[m] + continuous_trades;
    plan.high_before[m + 1] = std::max(plan.high_before[m], bar.high);
    plan.low_before[m + 1] = std::min(plan.low_before[m], bar.low);
  }
  return plan;
}

}  // namespace

MinuteBar DayPlan::daily() const { return aggregate_minutes(*this, 0, kMinutes); }

MinuteBar aggregate_minutes(const DayPlan& plan, int first, int count) {
  MinuteBar out = plan.minutes[first];
  for (int m = first + 1; m < first + count; ++m) {
    const MinuteBar& bar = plan.minutes[m];
    out.high = std::max(out.high, bar.high);
    out.low = std::min(out.low, bar.low);
    out.close = bar.close;
    out.volume += bar.volume;
    out.amount += bar.amount;
    out.trades += bar.trades;
  }
  return out;
}

DayPlan plan_stock_day(const SecurityInfo& security, uint32_t security_index, const StockDay& day,
                       const MarketBridge& market, uint64_t seed, int day_index, Date date) {
  Rng rng(seed, Stream::kMinutes, security_index, static_cast<uint64_t>(day_index));
  PathInputs in;
  in.pre_close = day.pre_close;
  in.open = day.open;
  in.close = day.close;
  in.volume = day.volume;
  in.limits = day.limits;
  in.beta = security.beta;
  in.minute_sigma = 0.7 * security.volatility / std::sqrt(double{kMinutes});
  return plan_path(in, market, rng, day_index, date);
}

DayPlan plan_index_day(const IndexInfo&, uint32_t index_number, const IndexDay& day,
                       const MarketBridge& market, uint64_t seed, int day_index, Date date) {
  // Index streams live above every security's, so the two never share keys.
  Rng rng(seed, Stream::kMinutes, (uint64_t{1} << 32) + index_number,
          static_cast<uint64_t>(day_index));
  PathInputs in;
  in.pre_close = day.pre_close;
  in.open = day.open;
  in.close = day.close;
  in.volume = day.volume / kLotShares * kLotShares;
  in.day_amount = day.amount;
  in.limits = PriceLimits{1, std::numeric_limits<int64_t>::max() / 4};
  in.has_limits = false;
  in.beta = 1.0;
  in.minute_sigma = 0.15 * kIndexMinuteSigma;
  return plan_path(in, market, rng, day_index, date);
}

}  // namespace mystocks::sources
