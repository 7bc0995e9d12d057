// Loads the K-lines a request asks for: intraday intervals from minute_kline in the time-series
// store (the stored frequency when present, else resampled from 1m bars), daily bars from
// daily_kline in the relational store, week and month bars resampled from daily bars; prices
// adjusted (qfq/hfq) with daily_kline.adj_factor before any resampling.
// Returns the newest `limit` bars inside the window, oldest first; an empty result for a symbol
// the securities master does not list is NOT_FOUND. Thread-safe (DataManager is).
#pragma once

#include <cstdint>
#include <string>

#include "api/kline_bars.h"
#include "api/market_common.h"
#include "services/data_manager.h"

namespace mystocks::api {

struct KlineRequest {
  std::string symbol;  // canonical
  KlineInterval interval = KlineInterval::k1d;
  Adjust adjust = Adjust::kNone;
  TimeWindow window;
  int64_t limit = 500;
};

// The largest span one request may cover, per interval (the route documents these).
int64_t max_span_days(KlineInterval interval);

Result<Bars> load_kline(services::DataManager& data, const KlineRequest& request);

}  // namespace mystocks::api
