#include "services/market/indicator_series.h"

#include <cmath>

#include "core/decimal.h"
#include "core/number_precision.h"
#include "core/symbol.h"
#include "indicators/lookback.h"

namespace mystocks::services {
namespace {

// Bars as the double columns the indicators take.
struct PriceColumns {
  std::vector<double> open, high, low, close, volume, amount;

  explicit PriceColumns(const Bars& bars) {
    const double price_unit = 1.0 / static_cast<double>(pow10_int64(bars.price_scale));
    const double amount_unit = 1.0 / static_cast<double>(pow10_int64(bars.amount_scale));
    for (size_t row = 0; row < bars.size(); ++row) {
      open.push_back(static_cast<double>(bars.open[row]) * price_unit);
      high.push_back(static_cast<double>(bars.high[row]) * price_unit);
      low.push_back(static_cast<double>(bars.low[row]) * price_unit);
      close.push_back(static_cast<double>(bars.close[row]) * price_unit);
      volume.push_back(static_cast<double>(bars.volume[row]));
      amount.push_back(static_cast<double>(bars.amount[row]) * amount_unit);
    }
  }
  indicators::OhlcvColumns columns() const { return {open, high, low, close, volume, amount}; }
};

Result<const indicators::IndicatorSpec*> find_spec(std::string_view name) {
  if (const indicators::IndicatorSpec* spec = indicators::find_indicator(name)) return spec;
  std::string known;
  for (const auto& each : indicators::all_indicators()) {
    known += (known.empty() ? "" : ", ") + std::string(each.name);
  }
  return field_error(ErrorCode::kNotFound, "name", "no indicator '{}'; known: {}", name, known);
}

Status check_bounds(const IndicatorQuery& query) {
  if (query.limit < 1 || query.limit > kMaxIndicatorBars) {
    return field_error(ErrorCode::kInvalidArgument, "limit", "limit {} is outside 1 to {}",
                       query.limit, kMaxIndicatorBars);
  }
  if (query.warmup && (*query.warmup < 0 || *query.warmup > kMaxWarmupBars)) {
    return field_error(ErrorCode::kInvalidArgument, "warmup", "warmup {} is outside 0 to {}",
                       *query.warmup, kMaxWarmupBars);
  }
  if (query.start && query.end && *query.start > *query.end) {
    return field_error(ErrorCode::kInvalidArgument, "start", "start {} is after end {}",
                       *query.start, *query.end);
  }
  return Status::ok();
}

// The bars to feed: `warmup` bars before the returned ones, then the returned ones. Sets
// `first_returned` to the index of the first returned bar.
Result<Bars> load_bars(const MarketQuery& market, const IndicatorQuery& query, const BarQuery& base,
                       int64_t warmup, size_t& first_returned) {
  if (!query.start) {
    BarQuery last = base;
    last.limit = query.limit + warmup;
    Result<Bars> bars = market.bars(last);
    if (!bars.is_ok()) return bars;
    const auto returned = static_cast<size_t>(query.limit);
    first_returned = bars->size() > returned ? bars->size() - returned : 0;
    return bars;
  }
  BarQuery body = base;
  body.window.start = *query.start;
  body.limit = kMaxIndicatorBars + 1;  // one more tells "too many" apart
  Result<Bars> returned = market.bars(body);
  if (!returned.is_ok()) return returned;
  if (static_cast<int64_t>(returned->size()) > kMaxIndicatorBars) {
    return field_error(ErrorCode::kInvalidArgument, query.end ? "end" : "start",
                       "the range holds more than {} {} bars: narrow start/end", kMaxIndicatorBars,
                       kline_interval_name(base.interval));
  }
  Bars bars;
  if (warmup > 0) {
    BarQuery before = base;
    before.window = TimeWindow{.end = *query.start};
    before.limit = warmup;
    Result<Bars> earlier = market.bars(before);
    if (!earlier.is_ok()) return earlier;
    bars = std::move(*earlier);
  }
  first_returned = bars.size();
  for (size_t row = 0; row < returned->size(); ++row) {
    bars.push(returned->ts[row], returned->open[row], returned->high[row], returned->low[row],
              returned->close[row], returned->volume[row], returned->amount[row]);
  }
  return bars;
}

}  // namespace

Result<IndicatorSeries> compute_indicator_series(const MarketQuery& market,
                                                 const IndicatorQuery& query) {
  Result<const indicators::IndicatorSpec*> spec = find_spec(query.indicator);
  if (!spec.is_ok()) return spec.status();
  Result<KlineInterval> interval = parse_kline_interval(query.interval);
  if (!interval.is_ok()) return interval.status();
  Result<indicators::Convention> convention = indicators::parse_convention(query.convention);
  if (!convention.is_ok()) {
    return Status(convention.status().code(), convention.status().message(), "convention");
  }
  Result<std::vector<double>> resolved = indicators::resolve_params(**spec, query.params);
  if (!resolved.is_ok()) return resolved.status();
  MYSTOCKS_RETURN_IF_ERROR(check_bounds(query));
  Result<Symbol> symbol = Symbol::parse(query.symbol, "symbol");
  if (!symbol.is_ok()) return symbol.status();
  const std::string canonical = symbol->to_string();
  MYSTOCKS_RETURN_IF_ERROR(market.check_listed(canonical));

  int64_t warmup = query.warmup.value_or(0);
  if (!query.warmup) {
    Result<int64_t> lookback =
        indicators::lookback_bars(**spec, query.params, *convention, kMaxWarmupBars);
    if (!lookback.is_ok()) return lookback.status();
    warmup = *lookback;
  }
  BarQuery base{.symbol = canonical, .interval = *interval};
  if (query.end) base.window.end = *query.end;
  size_t first_returned = 0;
  Result<Bars> bars = load_bars(market, query, base, warmup, first_returned);
  if (!bars.is_ok()) return bars.status();

  const PriceColumns prices(*bars);
  Result<indicators::IndicatorOutput> output =
      indicators::compute_indicator((*spec)->name, prices.columns(), query.params, *convention);
  if (!output.is_ok()) return output.status();
  IndicatorSeries series{.spec = *spec,
                         .symbol = canonical,
                         .interval = *interval,
                         .convention = *convention,
                         .params = std::move(*resolved),
                         .warmup_bars = static_cast<int64_t>(first_returned)};
  const auto first = static_cast<std::ptrdiff_t>(first_returned);
  series.time.assign(bars->ts.begin() + first, bars->ts.end());
  for (std::vector<double>& column : output->columns) {
    std::vector<double>& values = series.values.emplace_back(column.begin() + first, column.end());
    for (double& value : values) value = round_decimals(value, kIndicatorDecimals);
  }
  return series;
}

}  // namespace mystocks::services
