// DataManager's series-inventory calls: routed to the table's store, guarded by its breaker.
#include <fmt/format.h>

#include "services/data_manager.h"

namespace mystocks::services {

Result<std::vector<storage::SeriesSummary>> DataManager::summarize_time_series(
    const std::string& table, const std::vector<std::string>& symbols) {
  Result<const storage::TableSchema*> found = find(table);
  if (!found.is_ok()) return found.status();
  if ((*found)->target() != storage::StoreKind::kTimeSeries) {
    return field_error(ErrorCode::kFailedPrecondition, "table",
                       "table '{}' is stored in the relational store, not the time-series store",
                       table);
  }
  CircuitBreaker* breaker = breaker_for(storage::StoreKind::kTimeSeries);
  auto call = [&] { return time_series_->summarize_series(table, symbols); };
  return breaker != nullptr ? breaker->run(call) : call();
}

Result<RecordBatch> DataManager::summarize_relational(const std::string& table,
                                                      const std::string& time_column,
                                                      const std::vector<std::string>& symbols) {
  Result<const storage::TableSchema*> found = find(table);
  if (!found.is_ok()) return found.status();
  if ((*found)->target() != storage::StoreKind::kRelational) {
    return field_error(ErrorCode::kFailedPrecondition, "table",
                       "table '{}' is stored in the time-series store, not the relational store",
                       table);
  }
  std::vector<storage::Filter> filters;
  if (!symbols.empty()) {
    std::vector<storage::Value> values(symbols.begin(), symbols.end());
    filters.push_back(storage::in("symbol", std::move(values)));
  }
  CircuitBreaker* breaker = breaker_for(storage::StoreKind::kRelational);
  auto call = [&] { return relational_->summarize_series(table, time_column, filters); };
  return breaker != nullptr ? breaker->run(call) : call();
}

}  // namespace mystocks::services
