// Indicator computation for the API: loads one symbol's bars through DataManager (daily_kline
// for 1d, minute_kline for intraday intervals, resampled from 1m bars on trading-session
// boundaries when the interval is not stored) and runs an indicator of the registry over them.
// Shared by GET /api/v1/indicators/{name} and the batch route, so both validate and answer alike.
// Thread-safety: stateless functions; safe from any thread while the DataManager is.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "api/api_context.h"
#include "core/status.h"
#include "core/timestamp.h"
#include "indicators/registry.h"

namespace mystocks::api {

// Bars one computation may return, and the warm-up bars it may load before `start`.
inline constexpr int64_t kMaxIndicatorBars = 5000;
inline constexpr int64_t kMaxWarmupBars = 1000;

// Intervals: "1m", "5m", "15m", "30m", "60m", "1d".
const std::vector<std::string>& indicator_intervals();

struct IndicatorRequest {
  std::string indicator;  // name or alias
  std::string symbol;     // any accepted spelling
  std::string interval = "1d";
  std::optional<TimestampMs> start;  // inclusive; absent = the last `limit` bars
  std::optional<TimestampMs> end;    // exclusive; absent = up to now
  int64_t limit = 500;               // bars when start is absent (1..kMaxIndicatorBars)
  int64_t warmup = 0;                // bars before the first returned one fed to the indicator
  indicators::ParamMap params;
  std::string convention = "ta_lib";
};

// Errors: kNotFound (field "name") for an unknown indicator and (field "symbol") for a symbol
// not in the symbols table; kInvalidArgument naming the parameter and its accepted range, the
// interval, the convention, or start/end when the range holds more than kMaxIndicatorBars bars.
// The answer: {indicator, symbol, interval, convention, params, outputs, bars, time[],
// values{output: [...]}} with NaN (warm-up) values as null and time in epoch ms (bar start;
// Asia/Shanghai midnight of the trade date for 1d).
Result<boost::json::object> compute_indicator_json(const MarketApi& api,
                                                   const IndicatorRequest& request);

}  // namespace mystocks::api
