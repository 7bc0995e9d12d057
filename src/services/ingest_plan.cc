#include "services/ingest_plan.h"

#include <algorithm>

namespace mystocks::services {

int default_chunk_days(const sources::Dataset& dataset) {
  using sources::BarInterval;
  using sources::DataType;
  switch (dataset.type) {
    case DataType::kTick:
      return 1;  // ~5,000 snapshots per symbol-day
    case DataType::kMinute:
      switch (dataset.interval) {
        case BarInterval::k1m:
          return 7;
        case BarInterval::k5m:
          return 31;
        default:
          return 92;
      }
    default:
      return 366;
  }
}

std::vector<DateWindow> date_windows(const IngestJobSpec& spec, int days) {
  if (!dataset_uses_dates(spec.dataset.type)) return {DateWindow{spec.from, spec.to}};
  days = std::max(days, 1);
  std::vector<DateWindow> windows;
  for (int32_t start = spec.from.days; start <= spec.to.days; start += days) {
    windows.push_back({Date{start}, Date{std::min(start + days - 1, spec.to.days)}});
  }
  return windows;
}

std::vector<std::vector<Symbol>> symbol_groups(const std::vector<Symbol>& symbols, int size) {
  if (symbols.empty()) return {{}};
  size = std::max(size, 1);
  std::vector<std::vector<Symbol>> groups;
  for (size_t start = 0; start < symbols.size(); start += static_cast<size_t>(size)) {
    const size_t end = std::min(symbols.size(), start + static_cast<size_t>(size));
    groups.emplace_back(symbols.begin() + static_cast<std::ptrdiff_t>(start),
                        symbols.begin() + static_cast<std::ptrdiff_t>(end));
  }
  return groups;
}

std::string table_for(const sources::Dataset& dataset) {
  return std::string(sources::table_for(dataset.type));
}

}  // namespace mystocks::services
