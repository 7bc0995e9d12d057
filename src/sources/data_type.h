// DataType: the kinds of data a source delivers (one per IDataSource operation) and BarInterval,
// the intraday bar sizes, with the stable names used in configuration (priority lists such as
// sources.priority_daily), metrics labels and the ingest CLI (`--dataset minute:5m`), plus the
// tables.yaml table each kind's batches conform to.
// Constant data and pure functions: safe from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/status.h"

namespace mystocks::sources {

enum class DataType : uint8_t {
  kDaily,            // daily_kline of stocks
  kIndexDaily,       // daily_kline of indices (000300.SH, 399001.SZ, ...)
  kMinute,           // minute_kline at one BarInterval
  kSymbols,          // symbols: the securities master
  kIndexComponents,  // index_constituents with weights
  kRealtimeQuotes,   // realtime_quote: the latest quote per symbol
  kTradeCalendar,    // trade_calendar
  kFundamentals,     // fundamentals: financial statements per report period
  kFundFlow,         // fund_flow: daily money flow by order size
  kNews,             // no table in tables.yaml yet (see table_for)
  kTick,             // tick: Level-1 snapshots
};

std::span<const DataType> all_data_types();
// "daily", "index_daily", "minute", "symbols", "index_components", "realtime", "calendar",
// "fundamentals", "fund_flow", "news", "tick".
std::string_view data_type_name(DataType type);
Result<DataType> parse_data_type(std::string_view name);
// The IDataSource operation serving the type, for messages: "daily_bars", "ticks", ...
std::string_view operation_name(DataType type);
// The tables.yaml table whose schema the type's batches have; empty for kNews, which has no
// table (no DataClassification fits news items; see docs/performance.md "Sources" notes).
std::string_view table_for(DataType type);

enum class BarInterval : uint8_t { k1m, k5m, k15m, k30m, k60m };

std::string_view interval_name(BarInterval interval);  // "1m", "5m", "15m", "30m", "60m"
int interval_minutes(BarInterval interval);
Result<BarInterval> parse_interval(std::string_view name);

// What to fetch, as the ingest CLI spells it: "daily", "minute:5m", "tick", ...
struct Dataset {
  DataType type = DataType::kDaily;
  BarInterval interval = BarInterval::k1m;  // kMinute only

  std::string to_string() const;
  friend bool operator==(const Dataset&, const Dataset&) = default;
};

// Parses "<data type>" or "minute:<interval>" (a bare "minute" means 1m).
Result<Dataset> parse_dataset(std::string_view text);

}  // namespace mystocks::sources
