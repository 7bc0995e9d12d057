// DataClassification names what a dataset is; each class has exactly one default target store
// (ARCHITECTURE.md "Data classes and routing"): high-frequency series go to the time-series
// store, everything relational to the relational store. A table may override its target in
// tables.yaml. Constant data: thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "core/status.h"

namespace mystocks::storage {

enum class StoreKind : uint8_t { kTimeSeries, kRelational };

enum class DataClassification : uint8_t {
  // time-series store
  kTick,
  kMinuteKline,
  kOrderBookDepth,
  kIndexQuote,
  kRealtimeQuote,
  // relational store
  kDailyKline,
  kSymbols,
  kTradeCalendar,
  kIndexConstituents,
  kFundamentals,
  kDividends,
  kFundFlow,
  kOrders,
  kTrades,
  kPositions,
  kAccountFunds,
  kWatchlists,
  kUsers,
  kSystemConfig,
  kDataQualityMetrics,
  kSyncMessages,
  kAuditLog,
};

std::string_view classification_name(DataClassification classification);  // "minute_kline"
Result<DataClassification> parse_classification(std::string_view name);
StoreKind default_target(DataClassification classification);
std::span<const DataClassification> all_classifications();

std::string_view store_kind_name(StoreKind kind);  // "timeseries", "relational"
Result<StoreKind> parse_store_kind(std::string_view name);

}  // namespace mystocks::storage
