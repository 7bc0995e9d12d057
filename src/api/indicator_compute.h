// The JSON answer of an indicator computation (services/market/indicator_series.h computes it),
// shared by GET /api/v1/indicators/{name} and the batch route so both answer alike:
// {indicator, symbol, interval, convention, params, outputs, bars, warmup_bars, time[],
// values{output: [...]}} with undefined (warm-up) values as null, time in epoch ms (bar start;
// Asia/Shanghai midnight of the first trading day for 1d, 1w and 1M) and values rounded to
// kIndicatorDecimals. Thread-safety: stateless; safe from any thread.
#pragma once

#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "api/api_context.h"
#include "core/status.h"
#include "services/market/indicator_series.h"

namespace mystocks::api {

// The intervals an indicator may be computed over (the K-line intervals).
const std::vector<std::string>& indicator_intervals();

Result<boost::json::object> compute_indicator_json(const MarketApi& api,
                                                   const services::IndicatorQuery& query);

}  // namespace mystocks::api
