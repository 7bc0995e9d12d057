// Validation of a batch against its table before DataManager writes it: the batch's columns
// (kSchemaMismatch when a column is unknown, mistyped or a required one is missing) and then
// every row (nulls in non-nullable columns, NaN/infinite numbers, symbols not in canonical form),
// reporting each invalid row with the column and the problem. Column-at-a-time loops over the
// batch; no per-row allocation for valid rows. Pure functions: safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/record_batch.h"
#include "core/status.h"
#include "storage/table_schema.h"

namespace mystocks::services {

struct RowError {
  int64_t row = 0;        // first row concerned (batch row index)
  int64_t row_count = 1;  // more than one for a chunk the store refused (continue strategy)
  std::string column;     // empty when the problem is not one column's
  Status status;
};

struct RowCheck {
  std::vector<RowError> errors;      // the first problem of each invalid row, in row order
  std::vector<uint32_t> valid_rows;  // the others, ascending
};

// Columns of `batch` against `table`: each must be declared with the same type and scale; every
// key and non-nullable column must be present.
Status check_batch_schema(const storage::TableSchema& table, const RecordBatch& batch);

// Rows of a batch that passed check_batch_schema. Symbol columns ("symbol", "*_symbol") must hold
// canonical symbols such as 600519.SH.
RowCheck check_batch_rows(const storage::TableSchema& table, const RecordBatch& batch);

// A batch of `rows` of `batch` (ascending indexes), same schema.
RecordBatch select_rows(const RecordBatch& batch, const std::vector<uint32_t>& rows);

}  // namespace mystocks::services
