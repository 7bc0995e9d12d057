// Replace mode of the ingest pipeline (IngestJobSpec::replace): which tables a replace job may
// run against and the range each chunk replaces. The pipeline hands the chunk's valid rows and
// this scope to DataManager::replace, which swaps them in atomically.
// Pure functions: safe from any thread.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/symbol.h"
#include "core/timestamp.h"
#include "services/data_manager.h"
#include "sources/data_type.h"
#include "storage/table_schema.h"

namespace mystocks::services {

// The tag values every row of `dataset` has in `table` beyond the symbol: frequency = the
// interval for minute bars of a table with a frequency tag ("5m"); empty otherwise.
std::map<std::string, std::string> dataset_tags(const storage::TableSchema& table,
                                                const sources::Dataset& dataset);

// OK when a replace job can run against `table`: it has a time or date column, and (time-series
// tables) every tag besides symbol and exchange has its value in `tags` (dataset_tags), so a
// chunk's tombstone covers exactly the chunk's series (minute_kline: one frequency, the other
// frequencies stay). kUnsupported naming the field "replace" otherwise.
Status check_replaceable(const storage::TableSchema& table,
                         const std::map<std::string, std::string>& tags);

// Symbols `group` (empty = every symbol) with tag values `tags` x the Asia/Shanghai days
// from..to (inclusive).
RangeScope chunk_scope(const std::vector<Symbol>& group, Date from, Date to,
                       const std::map<std::string, std::string>& tags);

}  // namespace mystocks::services
