#include "storage/classification.h"

#include <array>
#include <string>

namespace mystocks::storage {
namespace {

struct ClassInfo {
  DataClassification classification;
  std::string_view name;
  StoreKind target;
};

using enum DataClassification;
constexpr StoreKind kTs = StoreKind::kTimeSeries;
constexpr StoreKind kRel = StoreKind::kRelational;

constexpr std::array kClasses{
    ClassInfo{kTick, "tick", kTs},
    ClassInfo{kMinuteKline, "minute_kline", kTs},
    ClassInfo{kOrderBookDepth, "order_book_depth", kTs},
    ClassInfo{kIndexQuote, "index_quote", kTs},
    ClassInfo{kRealtimeQuote, "realtime_quote", kTs},
    ClassInfo{kDailyKline, "daily_kline", kRel},
    ClassInfo{kSymbols, "symbols", kRel},
    ClassInfo{kTradeCalendar, "trade_calendar", kRel},
    ClassInfo{kIndexConstituents, "index_constituents", kRel},
    ClassInfo{kFundamentals, "fundamentals", kRel},
    ClassInfo{kDividends, "dividends", kRel},
    ClassInfo{kFundFlow, "fund_flow", kRel},
    ClassInfo{kOrders, "orders", kRel},
    ClassInfo{kTrades, "trades", kRel},
    ClassInfo{kPositions, "positions", kRel},
    ClassInfo{kAccountFunds, "account_funds", kRel},
    ClassInfo{kWatchlists, "watchlists", kRel},
    ClassInfo{kUsers, "users", kRel},
    ClassInfo{kSystemConfig, "system_config", kRel},
    ClassInfo{kDataQualityMetrics, "data_quality_metrics", kRel},
    ClassInfo{kSyncMessages, "sync_messages", kRel},
    ClassInfo{kAuditLog, "audit_log", kRel},
};

constexpr bool listed_in_enum_order() {
  for (size_t index = 0; index < kClasses.size(); ++index) {
    if (static_cast<size_t>(kClasses[index].classification) != index) return false;
  }
  return true;
}
static_assert(listed_in_enum_order(), "kClasses is indexed by the enum value");

constexpr std::array<DataClassification, kClasses.size()> all_values() {
  std::array<DataClassification, kClasses.size()> values{};
  for (size_t index = 0; index < kClasses.size(); ++index)
    values[index] = kClasses[index].classification;
  return values;
}
constexpr auto kAll = all_values();

const ClassInfo& info(DataClassification classification) {
  return kClasses[static_cast<size_t>(classification)];
}

}  // namespace

std::string_view classification_name(DataClassification classification) {
  return info(classification).name;
}

StoreKind default_target(DataClassification classification) { return info(classification).target; }

std::span<const DataClassification> all_classifications() { return kAll; }

Result<DataClassification> parse_classification(std::string_view name) {
  for (const ClassInfo& entry : kClasses) {
    if (entry.name == name) return entry.classification;
  }
  std::string known;
  for (const ClassInfo& entry : kClasses) {
    known += known.empty() ? "" : ", ";
    known += entry.name;
  }
  return error(ErrorCode::kInvalidArgument, "classification '{}' is unknown: expected one of {}",
               name, known);
}

std::string_view store_kind_name(StoreKind kind) {
  return kind == StoreKind::kTimeSeries ? "timeseries" : "relational";
}

Result<StoreKind> parse_store_kind(std::string_view name) {
  if (name == "timeseries") return StoreKind::kTimeSeries;
  if (name == "relational") return StoreKind::kRelational;
  return error(ErrorCode::kInvalidArgument,
               "store '{}' is unknown: expected timeseries or relational", name);
}

}  // namespace mystocks::storage
