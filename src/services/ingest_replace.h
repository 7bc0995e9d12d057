// Replace mode of the ingest pipeline (IngestJobSpec::replace): which tables a replace job may
// run against and the range each chunk replaces. The pipeline hands the chunk's valid rows and
// this scope to DataManager::replace, which swaps them in atomically.
// Pure functions: safe from any thread.
#pragma once

#include <vector>

#include "core/status.h"
#include "core/symbol.h"
#include "core/timestamp.h"
#include "services/data_manager.h"
#include "storage/table_schema.h"

namespace mystocks::services {

// OK when a replace job can run against `table`: it has a time or date column, and (time-series
// tables) its series are told apart by symbol alone, so a chunk's tombstone covers exactly the
// chunk. kUnsupported naming the field "replace" otherwise (minute_kline keeps one series per
// symbol and frequency: replacing one frequency would delete the others).
Status check_replaceable(const storage::TableSchema& table);

// Symbols `group` (empty = every symbol) x the Asia/Shanghai days from..to (inclusive).
RangeScope chunk_scope(const std::vector<Symbol>& group, Date from, Date to);

}  // namespace mystocks::services
