// MarketQuery: the market read model every consumer shares (REST routes, indicators, realtime
// snapshots, future clients): bars of one symbol for any interval (1m..60m from minute_kline,
// resampled from 1m when the interval is not stored; 1d from daily_kline; 1w/1M resampled from
// daily bars) and adjustment (qfq/hfq with daily_kline.adj_factor, applied before resampling),
// the latest quote of a symbol set, and cross-sections (one day's bar or the latest quote of many
// symbols). Answers are typed (Bars, RecordBatch) with a Status; no JSON, no HTTP.
// Invariants: bars come oldest first and never hold a partial bucket cut by a row limit; an empty
// answer for a symbol the securities master does not list is NOT_FOUND naming "symbol".
// Thread-safety: every method is safe from any thread (DataManager is); the object holds no
// mutable state of its own.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/record_batch.h"
#include "core/status.h"
#include "core/timestamp.h"
#include "services/data_manager.h"
#include "services/market/bars.h"

namespace mystocks::services {

// [start, end) in epoch ms; no start = the newest rows up to end.
struct TimeWindow {
  std::optional<TimestampMs> start;
  TimestampMs end = std::numeric_limits<TimestampMs>::max();  // exclusive
};

struct BarQuery {
  std::string symbol;  // canonical (Symbol::parse)
  KlineInterval interval = KlineInterval::k1d;
  Adjust adjust = Adjust::kNone;
  TimeWindow window;
  int64_t limit = 500;  // the newest `limit` bars inside the window
};

// The largest span one bar query should cover, per interval, in days: the routes refuse longer
// ranges (1m 31, 5m 93, 15m 186, 30m/60m 366, 1d/1w/1M 10980).
int64_t max_span_days(KlineInterval interval);

// The latest quote of each wanted symbol, by source: realtime_quote first, a security without one
// falls back to its newest tick, an index to its newest index_quote snapshot.
struct SourcedRows {
  std::string source;  // the table the rows come from
  RecordBatch rows;    // that table's columns, one row per symbol
};
struct LatestQuotes {
  std::vector<SourcedRows> found;    // in source order; each symbol appears once
  std::vector<std::string> missing;  // sorted: symbols none of the sources has
};

class MarketQuery {
 public:
  // `data` must outlive this object.
  explicit MarketQuery(DataManager& data) : data_(data) {}

  DataManager& data() const { return data_; }

  // The newest `query.limit` bars of the window, oldest first.
  Result<Bars> bars(const BarQuery& query) const;

  // Sorted, de-duplicated `symbols` (canonical) looked up through the quote sources.
  Result<LatestQuotes> latest_quotes(std::vector<std::string> symbols) const;

  // Cross-section of one trading day: the daily_kline row of `day` of every symbol in `symbols`
  // (every symbol when empty), in symbol order, with the columns of daily_kline (or `columns`).
  Result<RecordBatch> daily_cross_section(Date day, const std::vector<std::string>& symbols,
                                          const std::vector<std::string>& columns = {}) const;
  // Cross-section of the latest quotes: realtime_quote's newest row of every symbol in `symbols`
  // (every series when empty), in symbol order; symbols without a quote are absent.
  Result<RecordBatch> quote_cross_section(const std::vector<std::string>& symbols,
                                          const std::vector<std::string>& columns = {}) const;

  // The newest row of each of `symbols` of a time-series table (a realtime room's state).
  Result<RecordBatch> newest_rows(const std::string& table,
                                  const std::vector<std::string>& symbols) const;

  // The newest `limit` rows of `query` inside `window` (its range and order are replaced), oldest
  // first. No symbol check: callers that want a 404 for an empty answer ask check_listed().
  Result<RecordBatch> newest_in_window(const std::string& table, LoadQuery query,
                                       const TimeWindow& window, int64_t limit) const;

  // OK when the securities master lists `symbol`; NOT_FOUND naming `field` otherwise.
  Status check_listed(const std::string& symbol, std::string_view field = "symbol") const;

 private:
  DataManager& data_;
};

}  // namespace mystocks::services
