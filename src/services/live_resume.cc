#include "services/live_resume.h"

#include <algorithm>
#include <string>

namespace mystocks::services {

Result<std::optional<TimestampMs>> newest_live_instant(DataManager& data) {
  std::optional<TimestampMs> newest;
  for (const std::string table : {"tick", "index_quote"}) {
    // One row per series from the store's latest-row index: cheap even for thousands of symbols.
    Result<RecordBatch> rows = data.latest(table, {}, {"symbol", "ts"});
    if (!rows.is_ok()) return rows.status().with_context("newest stored live row of " + table);
    const Column* ts = rows->column("ts");
    if (ts == nullptr || rows->num_rows() == 0) continue;
    const std::vector<int64_t>& values = ts->as<int64_t>();
    const TimestampMs table_newest = *std::max_element(values.begin(), values.end());
    newest = std::max(newest.value_or(table_newest), table_newest);
  }
  return newest;
}

}  // namespace mystocks::services
