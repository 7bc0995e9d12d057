#include "services/ingest_replace.h"

#include <fmt/format.h>

#include "services/time_columns.h"

namespace mystocks::services {

Status check_replaceable(const storage::TableSchema& table) {
  if (range_column(table) == nullptr) {
    return field_error(ErrorCode::kUnsupported, "replace",
                       "table '{}' has no time or date column, so there is no range to replace: "
                       "run without replace (its rows are upserted by key)",
                       table.name);
  }
  if (table.target() != storage::StoreKind::kTimeSeries) return Status::ok();
  for (const std::string& tag : table.tag_columns()) {
    // The exchange follows from the symbol, so symbol + exchange is still one series per symbol.
    if (tag == "symbol" || tag == "exchange") continue;
    return field_error(ErrorCode::kUnsupported, "replace",
                       "table '{}' keeps several series per symbol (tag '{}'): replacing one "
                       "{}'s range would delete the others. Delete the range with `mystocks data "
                       "delete` (it covers every {}) and ingest again without replace",
                       table.name, tag, tag, tag);
  }
  return Status::ok();
}

RangeScope chunk_scope(const std::vector<Symbol>& group, Date from, Date to) {
  RangeScope scope;
  scope.symbols.reserve(group.size());
  for (const Symbol& symbol : group) scope.symbols.push_back(symbol.to_string());
  scope.range.start = shanghai_time(from, 0, 0);
  scope.range.end = shanghai_time(Date{to.days + 1}, 0, 0);
  return scope;
}

}  // namespace mystocks::services
