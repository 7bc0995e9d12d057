// Matches a RecordBatch to the table it is upserted into: every batch column must be a declared
// column of the same type, and the batch must carry the keys and every non-nullable column.
// Also rejects values no store can keep faithfully (NaN and infinities: SQLite would turn NaN
// into NULL) and nulls in non-nullable columns, naming the column and row. Pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/record_batch.h"
#include "core/status.h"
#include "storage/table_schema.h"

namespace mystocks::storage {

struct BatchLayout {
  std::vector<std::string> columns;         // batch column names, in batch order
  std::vector<const Field*> fields;         // the declared field of each batch column
  std::vector<std::string> update_columns;  // batch columns outside the keys (SET on conflict)
  std::vector<size_t> key_positions;        // batch indexes of the unique-key columns
};

Result<BatchLayout> layout_batch(const TableSchema& table, const RecordBatch& batch);

// Which rows to write, and in what order, so that each unique key appears once and its last
// occurrence wins. A batch of runs of one first-key value (rows grouped by symbol, ascending in
// time: what sources deliver) needs no hashing: its rows come back in key order, runs sorted,
// which lets PostgreSQL append to its B-trees. Otherwise the surviving rows in batch order.
// nullopt: every row, in batch order (already in key order, or no key repeats).
std::optional<std::vector<uint32_t>> rows_to_write(const RecordBatch& batch,
                                                   const std::vector<size_t>& key_positions);

}  // namespace mystocks::storage
