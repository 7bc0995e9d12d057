// Which column of a table carries its time, and conversions between epoch-ms ranges and the
// date columns relational tables use (trade_date): DataManager filters loads by it and stamps
// DataChanged events with it. Pure functions: safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/record_batch.h"
#include "storage/table_schema.h"
#include "storage/time_series_store.h"

namespace mystocks::services {

// The table's time_column, else the first date or timestamp column of its unique key, else null.
const storage::ColumnDef* range_column(const storage::TableSchema& table);

// The first date whose Asia/Shanghai midnight is at or after `ms` (days since 1970-01-01).
int32_t first_date_at_or_after(int64_t ms);

// The half-open instant span of a date or timestamp column over `rows` (all rows when null);
// nullopt when every value is null or there are no rows.
std::optional<storage::TimeRange> span_of(const Column& column, ColumnType type,
                                          const std::vector<uint32_t>* rows);

}  // namespace mystocks::services
