#include "sources/data_type.h"

#include <array>

namespace mystocks::sources {
namespace {

struct DataTypeInfo {
  DataType type;
  std::string_view name;
  std::string_view operation;
  std::string_view table;
};

constexpr std::array<DataTypeInfo, 11> kDataTypes = {{
    {DataType::kDaily, "daily", "daily_bars", "daily_kline"},
    {DataType::kIndexDaily, "index_daily", "index_daily_bars", "daily_kline"},
    {DataType::kMinute, "minute", "minute_bars", "minute_kline"},
    {DataType::kSymbols, "symbols", "symbols", "symbols"},
    {DataType::kIndexComponents, "index_components", "index_components", "index_constituents"},
    {DataType::kRealtimeQuotes, "realtime", "realtime_quotes", "realtime_quote"},
    {DataType::kTradeCalendar, "calendar", "trade_calendar", "trade_calendar"},
    {DataType::kFundamentals, "fundamentals", "fundamentals", "fundamentals"},
    {DataType::kFundFlow, "fund_flow", "fund_flow", "fund_flow"},
    {DataType::kNews, "news", "news", ""},
    {DataType::kTick, "tick", "ticks", "tick"},
}};

constexpr std::array<DataType, 11> kAllTypes = {DataType::kDaily,
                                                DataType::kIndexDaily,
                                                DataType::kMinute,
                                                DataType::kSymbols,
                                                DataType::kIndexComponents,
                                                DataType::kRealtimeQuotes,
                                                DataType::kTradeCalendar,
                                                DataType::kFundamentals,
                                                DataType::kFundFlow,
                                                DataType::kNews,
                                                DataType::kTick};

constexpr std::array<BarInterval, 5> kAllIntervals = {
    BarInterval::k1m, BarInterval::k5m, BarInterval::k15m, BarInterval::k30m, BarInterval::k60m};

const DataTypeInfo& info(DataType type) { return kDataTypes[static_cast<size_t>(type)]; }

std::string known_type_names() {
  std::string out;
  for (const DataTypeInfo& entry : kDataTypes) {
    if (!out.empty()) out += ", ";
    out += entry.name;
  }
  return out;
}

}  // namespace

std::span<const DataType> all_data_types() { return kAllTypes; }
std::string_view data_type_name(DataType type) { return info(type).name; }
std::string_view operation_name(DataType type) { return info(type).operation; }
std::string_view table_for(DataType type) { return info(type).table; }

Result<DataType> parse_data_type(std::string_view name) {
  for (const DataTypeInfo& entry : kDataTypes) {
    if (entry.name == name) return entry.type;
  }
  return field_error(ErrorCode::kInvalidArgument, "dataset",
                     "data type '{}' is unknown: expected one of {}", name, known_type_names());
}

std::string_view interval_name(BarInterval interval) {
  switch (interval) {
    case BarInterval::k1m:
      return "1m";
    case BarInterval::k5m:
      return "5m";
    case BarInterval::k15m:
      return "15m";
    case BarInterval::k30m:
      return "30m";
    case BarInterval::k60m:
      return "60m";
  }
  return "1m";
}

int interval_minutes(BarInterval interval) {
  switch (interval) {
    case BarInterval::k1m:
      return 1;
    case BarInterval::k5m:
      return 5;
    case BarInterval::k15m:
      return 15;
    case BarInterval::k30m:
      return 30;
    case BarInterval::k60m:
      return 60;
  }
  return 1;
}

Result<BarInterval> parse_interval(std::string_view name) {
  for (BarInterval interval : kAllIntervals) {
    if (interval_name(interval) == name) return interval;
  }
  return field_error(ErrorCode::kInvalidArgument, "interval",
                     "bar interval '{}' is unknown: expected 1m, 5m, 15m, 30m or 60m", name);
}

std::string Dataset::to_string() const {
  if (type != DataType::kMinute) return std::string(data_type_name(type));
  return "minute:" + std::string(interval_name(interval));
}

Result<Dataset> parse_dataset(std::string_view text) {
  const size_t colon = text.find(':');
  Result<DataType> type = parse_data_type(text.substr(0, colon));
  if (!type.is_ok()) return type.status();
  Dataset dataset{*type};
  if (colon == std::string_view::npos) return dataset;
  if (*type != DataType::kMinute) {
    return field_error(ErrorCode::kInvalidArgument, "dataset",
                       "dataset '{}': only minute takes an interval (minute:5m)", text);
  }
  Result<BarInterval> interval = parse_interval(text.substr(colon + 1));
  if (!interval.is_ok()) return interval.status();
  dataset.interval = *interval;
  return dataset;
}

}  // namespace mystocks::sources
