#include "api/indicator_compute.h"

#include <cmath>

#include "api/route_prelude.h"

namespace mystocks::api {
namespace {

json::value number_or_null(double value) {
  return std::isfinite(value) ? json::value(value) : json::value(nullptr);
}

json::object params_json(const services::IndicatorSeries& series) {
  json::object params;
  for (size_t index = 0; index < series.spec->params.size(); ++index) {
    const indicators::ParamSpec& param = series.spec->params[index];
    if (param.type == indicators::ParamType::kInteger) {
      params[param.name] = static_cast<int64_t>(series.params[index]);
    } else {
      params[param.name] = series.params[index];
    }
  }
  return params;
}

}  // namespace

const std::vector<std::string>& indicator_intervals() {
  static const std::vector<std::string> kIntervals = {"1m",  "5m", "15m", "30m",
                                                      "60m", "1d", "1w",  "1M"};
  return kIntervals;
}

Result<json::object> compute_indicator_json(const MarketApi& api,
                                            const services::IndicatorQuery& query) {
  Result<services::IndicatorSeries> series = services::compute_indicator_series(*api.market, query);
  if (!series.is_ok()) return series.status();
  json::array outputs;
  json::object values;
  for (size_t out_idx = 0; out_idx < series->spec->outputs.size(); ++out_idx) {
    outputs.push_back(json::value(series->spec->outputs[out_idx]));
    json::array column;
    column.reserve(series->time.size());
    for (double value : series->values[out_idx]) column.push_back(number_or_null(value));
    values[series->spec->outputs[out_idx]] = std::move(column);
  }
  json::array time;
  time.reserve(series->time.size());
  for (TimestampMs ts : series->time) time.push_back(ts);
  return json::object{{"indicator", series->spec->name},
                      {"symbol", series->symbol},
                      {"interval", services::kline_interval_name(series->interval)},
                      {"convention", indicators::convention_name(series->convention)},
                      {"params", params_json(*series)},
                      {"outputs", std::move(outputs)},
                      {"bars", static_cast<int64_t>(series->time.size())},
                      {"warmup_bars", series->warmup_bars},
                      {"time", std::move(time)},
                      {"values", std::move(values)}};
}

}  // namespace mystocks::api
