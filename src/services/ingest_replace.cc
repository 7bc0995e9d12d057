#include "services/ingest_replace.h"

#include <fmt/format.h>

#include "services/time_columns.h"

namespace mystocks::services {

std::map<std::string, std::string> dataset_tags(const storage::TableSchema& table,
                                                const sources::Dataset& dataset) {
  std::map<std::string, std::string> tags;
  if (dataset.type != sources::DataType::kMinute) return tags;
  const storage::ColumnDef* frequency = table.column("frequency");
  if (frequency != nullptr && frequency->tag) {
    tags.emplace("frequency", std::string(sources::interval_name(dataset.interval)));
  }
  return tags;
}

Status check_replaceable(const storage::TableSchema& table,
                         const std::map<std::string, std::string>& tags) {
  if (range_column(table) == nullptr) {
    return field_error(ErrorCode::kUnsupported, "replace",
                       "table '{}' has no time or date column, so there is no range to replace: "
                       "run without replace (its rows are upserted by key)",
                       table.name);
  }
  if (table.target() != storage::StoreKind::kTimeSeries) return Status::ok();
  for (const std::string& tag : table.tag_columns()) {
    // The exchange follows from the symbol, so symbol + exchange is still one series per symbol.
    if (tag == "symbol" || tag == "exchange" || tags.contains(tag)) continue;
    return field_error(ErrorCode::kUnsupported, "replace",
                       "table '{}' keeps several series per symbol (tag '{}') and this dataset "
                       "does not pin its value: replacing one {}'s range would delete the "
                       "others. Delete the range with `mystocks data delete --tag {}=<value>` "
                       "and ingest again without replace",
                       table.name, tag, tag, tag);
  }
  return Status::ok();
}

RangeScope chunk_scope(const std::vector<Symbol>& group, Date from, Date to,
                       const std::map<std::string, std::string>& tags) {
  RangeScope scope;
  scope.symbols.reserve(group.size());
  for (const Symbol& symbol : group) scope.symbols.push_back(symbol.to_string());
  scope.range.start = shanghai_time(from, 0, 0);
  scope.range.end = shanghai_time(Date{to.days + 1}, 0, 0);
  scope.tags = tags;
  return scope;
}

}  // namespace mystocks::services
