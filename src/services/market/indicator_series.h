// Indicator series: one indicator of the registry (src/indicators) over one symbol's bars, read
// through MarketQuery for any interval it serves (1m..60m, 1d, 1w, 1M; unadjusted prices).
// The computation warms up before the first returned bar: by default with the indicator's own
// lookback (the bars it needs before every output is defined, indicators/lookback.h), or with the
// caller's `warmup`. Output values are rounded to kIndicatorDecimals (core/number_precision.h);
// NaN marks a bar where the indicator is still undefined.
// Thread-safety: a stateless function; safe from any thread (MarketQuery is).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/timestamp.h"
#include "indicators/registry.h"
#include "services/market/market_query.h"

namespace mystocks::services {

// Bars one computation may return, and the warm-up bars it may load before them.
inline constexpr int64_t kMaxIndicatorBars = 5000;
inline constexpr int64_t kMaxWarmupBars = 1000;

struct IndicatorQuery {
  std::string indicator;  // name or alias
  std::string symbol;     // any accepted spelling
  std::string interval = "1d";
  std::optional<TimestampMs> start;  // inclusive; absent = the last `limit` bars
  std::optional<TimestampMs> end;    // exclusive; absent = up to now
  int64_t limit = 500;               // bars when start is absent (1..kMaxIndicatorBars)
  std::optional<int64_t> warmup;     // bars fed before the first returned one; absent = lookback
  indicators::ParamMap params;
  std::string convention = "ta_lib";
};

struct IndicatorSeries {
  const indicators::IndicatorSpec* spec = nullptr;
  std::string symbol;  // canonical
  KlineInterval interval = KlineInterval::k1d;
  indicators::Convention convention = indicators::Convention::kTaLib;
  std::vector<double> params;        // resolved, in spec->params order
  std::vector<TimestampMs> time;     // bar starts of the returned bars, oldest first
  indicators::OutputColumns values;  // per spec->outputs, each time.size() long; NaN undefined
  int64_t warmup_bars = 0;           // bars actually fed before time.front()
};

// Errors: kNotFound (field "name") for an unknown indicator and (field "symbol") for a symbol not
// in the securities master; kInvalidArgument naming the parameter and its accepted range, the
// interval, the convention, or start/end when the range holds more than kMaxIndicatorBars bars.
Result<IndicatorSeries> compute_indicator_series(const MarketQuery& market,
                                                 const IndicatorQuery& query);

}  // namespace mystocks::services
