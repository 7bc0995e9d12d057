// Building and reading the small batches that single-record writes use (a user, an order, a
// watchlist entry): typed cells into a RecordBatch of a declared table, column accessors, and
// server-assigned ids. Used by the services that own such records and by the api layer.
// Thread-safety: pure functions, except new_id (internally synchronised).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/clock.h"
#include "core/record_batch.h"
#include "core/status.h"
#include "storage/table_schema.h"

namespace mystocks::services {

// A value to write: null, bool, integer (int32/int64/timestamp/date days/decimal units at the
// column's scale), double or string.
using Cell = std::variant<std::monostate, bool, int64_t, double, std::string>;

// A batch of `columns` of `table` holding `rows` (each as long as `columns`).
Result<RecordBatch> make_rows(const storage::TableSchema& table,
                              const std::vector<std::string>& columns,
                              const std::vector<std::vector<Cell>>& rows);

// "<prefix>-<time base36>-<random hex>": unique across processes, sortable by creation time.
std::string new_id(std::string_view prefix, const Clock& clock);

// Column value accessors for result batches (REQUIRES: the column exists and has that type).
const std::string& string_at(const RecordBatch& batch, std::string_view column, size_t row);
int64_t int64_at(const RecordBatch& batch, std::string_view column, size_t row);

}  // namespace mystocks::services
