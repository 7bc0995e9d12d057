// MarketQuery::bars: K-line loading. Intraday intervals come from minute_kline (the stored
// frequency when present, else resampled from 1m bars), daily bars from daily_kline, week and
// month bars resampled from daily bars; prices adjusted before any resampling.
#include <map>

#include "services/market/market_query.h"

namespace mystocks::services {
namespace {

const std::vector<std::string> kMinuteColumns = {"ts",    "open",   "high",  "low",
                                                 "close", "volume", "amount"};
const std::vector<std::string> kDailyColumns = {
    "trade_date", "open", "high", "low", "close", "volume", "amount", "adj_factor", "final"};

Result<Bars> minute_bars(const MarketQuery& market, const BarQuery& query,
                         std::string_view frequency, int64_t limit) {
  LoadQuery load{.columns = kMinuteColumns,
                 .symbols = {query.symbol},
                 .filters = {storage::eq("frequency", std::string(frequency))}};
  Result<RecordBatch> rows =
      market.newest_in_window("minute_kline", std::move(load), query.window, limit);
  if (!rows.is_ok()) return rows.status();
  return bars_from_batch(*rows);
}

Result<Bars> intraday(const MarketQuery& market, const BarQuery& query) {
  const std::string_view name = kline_interval_name(query.interval);
  Result<Bars> stored = minute_bars(market, query, name, query.limit);
  if (!stored.is_ok() || stored->size() > 0 || query.interval == KlineInterval::k1m) return stored;
  // Not stored at this frequency: build it from 1-minute bars. The oldest bucket may be cut by
  // the row limit, so one extra bucket is loaded and a possibly partial first one dropped.
  const int minutes = interval_minutes(query.interval);
  const int64_t load_limit = (query.limit + 1) * minutes;
  Result<Bars> ones = minute_bars(market, query, "1m", load_limit);
  if (!ones.is_ok()) return ones.status();
  const bool truncated = static_cast<int64_t>(ones->size()) == load_limit;
  Bars bars = resample_session(*ones, minutes);
  if (truncated) bars.drop_first();
  bars.keep_last(static_cast<size_t>(query.limit));
  return bars;
}

// The newest adjustment factor of the symbol: the qfq base.
Result<double> newest_factor(DataManager& data, const std::string& symbol) {
  Result<RecordBatch> rows =
      data.load("daily_kline", {.columns = {"adj_factor"},
                                .symbols = {symbol},
                                .filters = {{"adj_factor", storage::FilterOp::kIsNotNull, {}}},
                                .order = storage::SortOrder::kDescending,
                                .limit = 1});
  if (!rows.is_ok()) return rows.status();
  if (rows->num_rows() == 0) return 1.0;
  return rows->column(0).as<double>()[0];
}

// Factors per bar from (date days -> factor); a date without a factor takes the previous one.
std::vector<double> factors_for(const Bars& bars, const std::map<int32_t, double>& by_date) {
  std::vector<double> factors;
  factors.reserve(bars.size());
  for (TimestampMs ts : bars.ts) {
    const int32_t day = shanghai_date(ts).days;
    auto it = by_date.upper_bound(day);
    factors.push_back(it == by_date.begin() ? (by_date.empty() ? 1.0 : by_date.begin()->second)
                                            : std::prev(it)->second);
  }
  return factors;
}

std::map<int32_t, double> factor_map(const RecordBatch& daily) {
  std::map<int32_t, double> by_date;
  const Column* dates = daily.column("trade_date");
  const Column* factors = daily.column("adj_factor");
  if (dates == nullptr || factors == nullptr) return by_date;
  for (size_t row = 0; row < daily.num_rows(); ++row) {
    if (!factors->is_null(row)) by_date[dates->as<int32_t>()[row]] = factors->as<double>()[row];
  }
  return by_date;
}

Status adjust(DataManager& data, const BarQuery& query, Bars& bars,
              const std::map<int32_t, double>& by_date) {
  if (query.adjust == Adjust::kNone || bars.size() == 0) return Status::ok();
  double base = 1.0;
  if (query.adjust == Adjust::kForward) {
    Result<double> newest = newest_factor(data, query.symbol);
    if (!newest.is_ok()) return newest.status();
    base = *newest > 0 ? *newest : 1.0;
  }
  adjust_prices(bars, factors_for(bars, by_date), base);
  return Status::ok();
}

// Intraday bars take the factors of the trading dates they cover.
Status adjust_intraday(const MarketQuery& market, const BarQuery& query, Bars& bars) {
  if (query.adjust == Adjust::kNone || bars.size() == 0) return Status::ok();
  const TimeWindow dates{.start = shanghai_time(shanghai_date(bars.ts.front()), 0, 0),
                         .end = bars.ts.back() + 1};
  Result<RecordBatch> daily = market.newest_in_window(
      "daily_kline", {.columns = {"trade_date", "adj_factor"}, .symbols = {query.symbol}}, dates,
      -1);
  if (!daily.is_ok()) return daily.status();
  return adjust(market.data(), query, bars, factor_map(*daily));
}

Result<Bars> daily_based(const MarketQuery& market, const BarQuery& query) {
  // Week bars hold at most 5 trading days, month bars 23; one extra bucket covers a cut one.
  const int64_t per_bar =
      query.interval == KlineInterval::k1w ? 5 : (query.interval == KlineInterval::k1M ? 23 : 1);
  const int64_t load_limit = per_bar == 1 ? query.limit : (query.limit + 1) * per_bar;
  Result<RecordBatch> rows =
      market.newest_in_window("daily_kline", {.columns = kDailyColumns, .symbols = {query.symbol}},
                              query.window, load_limit);
  if (!rows.is_ok()) return rows.status();
  Result<Bars> bars = bars_from_batch(*rows);
  if (!bars.is_ok()) return bars.status();
  MYSTOCKS_RETURN_IF_ERROR(adjust(market.data(), query, *bars, factor_map(*rows)));
  if (per_bar == 1) return bars;
  const bool truncated = static_cast<int64_t>(rows->num_rows()) == load_limit;
  Bars resampled = resample_calendar(
      *bars, query.interval == KlineInterval::k1w ? CalendarBucket::kWeek : CalendarBucket::kMonth);
  if (truncated) resampled.drop_first();
  resampled.keep_last(static_cast<size_t>(query.limit));
  return resampled;
}

}  // namespace

int64_t max_span_days(KlineInterval interval) {
  switch (interval) {
    case KlineInterval::k1m:
      return 31;
    case KlineInterval::k5m:
      return 93;
    case KlineInterval::k15m:
      return 186;
    case KlineInterval::k30m:
    case KlineInterval::k60m:
      return 366;
    default:
      return 366 * 30;
  }
}

Result<Bars> MarketQuery::bars(const BarQuery& query) const {
  Result<Bars> bars = Bars{};
  if (is_intraday(query.interval)) {
    bars = intraday(*this, query);
    if (bars.is_ok()) MYSTOCKS_RETURN_IF_ERROR(adjust_intraday(*this, query, *bars));
  } else {
    bars = daily_based(*this, query);
  }
  if (bars.is_ok() && bars->size() == 0) MYSTOCKS_RETURN_IF_ERROR(check_listed(query.symbol));
  return bars;
}

}  // namespace mystocks::services
