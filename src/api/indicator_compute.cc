#include "api/indicator_compute.h"

#include <algorithm>
#include <cmath>

#include <boost/json/array.hpp>

#include "core/decimal.h"
#include "core/symbol.h"

namespace mystocks::api {
namespace {

namespace json = boost::json;

// One series of bars, oldest first.
struct Bars {
  std::vector<int64_t> time;
  std::vector<double> open, high, low, close, volume, amount;

  size_t size() const { return time.size(); }
  void push(int64_t t, double o, double h, double l, double c, double v, double a) {
    time.push_back(t);
    open.push_back(o);
    high.push_back(h);
    low.push_back(l);
    close.push_back(c);
    volume.push_back(v);
    amount.push_back(a);
  }
  void reverse() {
    for (auto* column : {&open, &high, &low, &close, &volume, &amount}) {
      std::reverse(column->begin(), column->end());
    }
    std::reverse(time.begin(), time.end());
  }
  // Keeps the last `count` bars.
  void keep_last(size_t count) {
    if (size() <= count) return;
    const auto drop = static_cast<std::ptrdiff_t>(size() - count);
    time.erase(time.begin(), time.begin() + drop);
    for (auto* column : {&open, &high, &low, &close, &volume, &amount}) {
      column->erase(column->begin(), column->begin() + drop);
    }
  }
};

std::vector<double> as_doubles(const RecordBatch& batch, std::string_view name) {
  const size_t index = *batch.schema().index_of(name);
  const Field& field = batch.schema().field(index);
  const std::vector<int64_t>& units = batch.column(index).as<int64_t>();
  const double divisor =
      field.type == ColumnType::kDecimal ? static_cast<double>(pow10_int64(field.scale)) : 1.0;
  std::vector<double> out(units.size());
  for (size_t row = 0; row < units.size(); ++row)
    out[row] = static_cast<double>(units[row]) / divisor;
  return out;
}

Bars bars_of(const RecordBatch& batch, bool daily) {
  Bars bars;
  if (daily) {
    for (int32_t days : batch.column("trade_date")->as<int32_t>()) {
      bars.time.push_back(shanghai_time(Date{days}, 0, 0));
    }
  } else {
    bars.time = batch.column("ts")->as<int64_t>();
  }
  bars.open = as_doubles(batch, "open");
  bars.high = as_doubles(batch, "high");
  bars.low = as_doubles(batch, "low");
  bars.close = as_doubles(batch, "close");
  bars.volume = as_doubles(batch, "volume");
  bars.amount = as_doubles(batch, "amount");
  return bars;
}

int64_t interval_minutes(std::string_view interval) {
  if (interval == "1m") return 1;
  if (interval == "5m") return 5;
  if (interval == "15m") return 15;
  if (interval == "30m") return 30;
  if (interval == "60m") return 60;
  return 0;  // 1d
}

// Trading minute 0..239 of a 1m bar start; auction and after-close stamps join the nearest one.
int session_minute(TimestampMs ts) {
  const int index = trading_minute_index(ts);
  if (index >= 0) return index;
  const int64_t ms = shanghai_millis_of_day(ts);
  if (ms < 9 * 3'600'000 + 30 * 60'000) return 0;
  if (ms >= 15 * 3'600'000) return kTradingMinutesPerDay - 1;
  return kTradingMinutesPerDay / 2 - 1;  // lunch break: the last morning minute
}

// 1m bars (oldest first) to `minutes`-minute bars cut on trading-session boundaries.
Bars resample(const Bars& minute, int64_t minutes) {
  Bars out;
  int64_t current = -1;
  for (size_t row = 0; row < minute.size(); ++row) {
    const Date date = shanghai_date(minute.time[row]);
    const int bucket = session_minute(minute.time[row]) / static_cast<int>(minutes);
    const int64_t key = static_cast<int64_t>(date.days) * 1000 + bucket;
    if (key != current) {
      current = key;
      out.push(trading_minute_start(date, bucket * static_cast<int>(minutes)), minute.open[row],
               minute.high[row], minute.low[row], minute.close[row], minute.volume[row],
               minute.amount[row]);
      continue;
    }
    out.high.back() = std::max(out.high.back(), minute.high[row]);
    out.low.back() = std::min(out.low.back(), minute.low[row]);
    out.close.back() = minute.close[row];
    out.volume.back() += minute.volume[row];
    out.amount.back() += minute.amount[row];
  }
  return out;
}

// Loads bars of `frequency` ("1d" or a stored minute frequency) in `range`, `order`, `limit`,
// returned oldest first.
Result<Bars> load(const MarketApi& api, const std::string& symbol, const std::string& frequency,
                  storage::TimeRange range, storage::SortOrder order, int64_t limit) {
  const bool daily = frequency == "1d";
  services::LoadQuery query;
  query.columns = {daily ? "trade_date" : "ts", "open", "high", "low", "close", "volume", "amount"};
  query.symbols = {symbol};
  query.range = range;
  query.order = order;
  query.limit = limit;
  if (!daily) query.filters = {storage::eq("frequency", frequency)};
  Result<RecordBatch> rows = api.data->load(daily ? "daily_kline" : "minute_kline", query);
  if (!rows.is_ok()) return rows.status();
  Bars bars = bars_of(*rows, daily);
  if (order == storage::SortOrder::kDescending) bars.reverse();
  return bars;
}

// Up to `limit` bars of `interval` in `range` from its start (ascending) or end (descending),
// oldest first; resampled from 1m bars when the interval itself is not stored. `truncated` says
// whether `limit` cut the answer.
Result<Bars> load_interval(const MarketApi& api, const std::string& symbol,
                           const std::string& interval, storage::TimeRange range,
                           storage::SortOrder order, int64_t limit, bool& truncated) {
  Result<Bars> direct = load(api, symbol, interval, range, order, limit);
  if (!direct.is_ok()) return direct;
  const int64_t minutes = interval_minutes(interval);
  if (direct->size() > 0 || minutes <= 1) {
    truncated = static_cast<int64_t>(direct->size()) >= limit;
    return direct;
  }
  // One more bucket of 1m bars than needed, since the cut end of the load may be partial.
  Result<Bars> minute = load(api, symbol, "1m", range, order, (limit + 1) * minutes);
  if (!minute.is_ok()) return minute;
  const bool cut = static_cast<int64_t>(minute->size()) >= (limit + 1) * minutes;
  Bars bars = resample(*minute, minutes);
  // A backward load cut by the 1m limit may have a partial oldest bucket: drop it. (A forward
  // load that is cut holds more bars than the caller's maximum, which rejects it.)
  if (cut && order == storage::SortOrder::kDescending && bars.size() > 0) {
    bars.keep_last(bars.size() - 1);
  }
  truncated = cut || static_cast<int64_t>(bars.size()) > limit;
  if (order == storage::SortOrder::kDescending) bars.keep_last(static_cast<size_t>(limit));
  return bars;
}

json::value number_or_null(double value) {
  return std::isfinite(value) ? json::value(value) : json::value(nullptr);
}

}  // namespace

const std::vector<std::string>& indicator_intervals() {
  static const std::vector<std::string> kIntervals = {"1m", "5m", "15m", "30m", "60m", "1d"};
  return kIntervals;
}

Result<json::object> compute_indicator_json(const MarketApi& api, const IndicatorRequest& request) {
  const indicators::IndicatorSpec* spec = indicators::find_indicator(request.indicator);
  if (spec == nullptr) {
    std::string known;
    for (const auto& each : indicators::all_indicators()) {
      known += (known.empty() ? "" : ", ") + std::string(each.name);
    }
    return field_error(ErrorCode::kNotFound, "name", "no indicator '{}'; known: {}",
                       request.indicator, known);
  }
  const auto& intervals = indicator_intervals();
  if (std::find(intervals.begin(), intervals.end(), request.interval) == intervals.end()) {
    return field_error(ErrorCode::kInvalidArgument, "interval",
                       "interval '{}' is unknown: expected 1m, 5m, 15m, 30m, 60m or 1d",
                       request.interval);
  }
  Result<indicators::Convention> convention = indicators::parse_convention(request.convention);
  if (!convention.is_ok()) {
    return Status(convention.status().code(), convention.status().message(), "convention");
  }
  Result<std::vector<double>> resolved = indicators::resolve_params(*spec, request.params);
  if (!resolved.is_ok()) return resolved.status();
  if (request.limit < 1 || request.limit > kMaxIndicatorBars) {
    return field_error(ErrorCode::kInvalidArgument, "limit", "limit {} is outside 1 to {}",
                       request.limit, kMaxIndicatorBars);
  }
  if (request.warmup < 0 || request.warmup > kMaxWarmupBars) {
    return field_error(ErrorCode::kInvalidArgument, "warmup", "warmup {} is outside 0 to {}",
                       request.warmup, kMaxWarmupBars);
  }
  if (request.start && request.end && *request.start > *request.end) {
    return field_error(ErrorCode::kInvalidArgument, "start", "start {} is after end {}",
                       *request.start, *request.end);
  }
  Result<Symbol> symbol = Symbol::parse(request.symbol, "symbol");
  if (!symbol.is_ok()) return symbol.status();
  const std::string canonical = symbol->to_string();
  services::LoadQuery known;
  known.columns = {"symbol"};
  known.symbols = {canonical};
  Result<RecordBatch> listed = api.data->load("symbols", known);
  if (!listed.is_ok()) return listed.status();
  if (listed->num_rows() == 0) {
    return field_error(ErrorCode::kNotFound, "symbol", "symbol '{}' is not in the symbols table",
                       canonical);
  }

  storage::TimeRange range;
  if (request.end) range.end = *request.end;
  Bars bars;
  size_t first_returned = 0;
  bool truncated = false;
  if (request.start) {
    range.start = *request.start;
    Result<Bars> body =
        load_interval(api, canonical, request.interval, range, storage::SortOrder::kAscending,
                      kMaxIndicatorBars + 1, truncated);
    if (!body.is_ok()) return body.status();
    if (static_cast<int64_t>(body->size()) > kMaxIndicatorBars) {
      return field_error(ErrorCode::kInvalidArgument, request.end ? "end" : "start",
                         "the range holds more than {} {} bars: narrow start/end",
                         kMaxIndicatorBars, request.interval);
    }
    if (request.warmup > 0) {
      bool cut = false;
      Result<Bars> before = load_interval(api, canonical, request.interval, {.end = *request.start},
                                          storage::SortOrder::kDescending, request.warmup, cut);
      if (!before.is_ok()) return before.status();
      bars = std::move(*before);
    }
    first_returned = bars.size();
    for (size_t row = 0; row < body->size(); ++row) {
      bars.push(body->time[row], body->open[row], body->high[row], body->low[row], body->close[row],
                body->volume[row], body->amount[row]);
    }
  } else {
    Result<Bars> last =
        load_interval(api, canonical, request.interval, range, storage::SortOrder::kDescending,
                      request.limit + request.warmup, truncated);
    if (!last.is_ok()) return last.status();
    bars = std::move(*last);
    first_returned = bars.size() > static_cast<size_t>(request.limit)
                         ? bars.size() - static_cast<size_t>(request.limit)
                         : 0;
  }

  const indicators::OhlcvColumns columns{bars.open,  bars.high,   bars.low,
                                         bars.close, bars.volume, bars.amount};
  Result<indicators::IndicatorOutput> output =
      indicators::compute_indicator(spec->name, columns, request.params, *convention);
  if (!output.is_ok()) return output.status();

  json::object params;
  for (size_t index = 0; index < spec->params.size(); ++index) {
    const indicators::ParamSpec& param = spec->params[index];
    if (param.type == indicators::ParamType::kInteger) {
      params[param.name] = static_cast<int64_t>((*resolved)[index]);
    } else {
      params[param.name] = (*resolved)[index];
    }
  }
  json::array outputs;
  json::object values;
  for (size_t out_idx = 0; out_idx < spec->outputs.size(); ++out_idx) {
    outputs.push_back(json::value(spec->outputs[out_idx]));
    json::array column;
    column.reserve(bars.size() - first_returned);
    for (size_t row = first_returned; row < bars.size(); ++row) {
      column.push_back(number_or_null(output->columns[out_idx][row]));
    }
    values[spec->outputs[out_idx]] = std::move(column);
  }
  json::array time;
  time.reserve(bars.size() - first_returned);
  for (size_t row = first_returned; row < bars.size(); ++row) time.push_back(bars.time[row]);
  return json::object{{"indicator", spec->name},
                      {"symbol", canonical},
                      {"interval", request.interval},
                      {"convention", indicators::convention_name(*convention)},
                      {"params", std::move(params)},
                      {"outputs", std::move(outputs)},
                      {"bars", static_cast<int64_t>(bars.size() - first_returned)},
                      {"warmup_bars", static_cast<int64_t>(first_returned)},
                      {"time", std::move(time)},
                      {"values", std::move(values)}};
}

}  // namespace mystocks::api
