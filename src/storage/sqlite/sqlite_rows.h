// Moving values between RecordBatch columns and SQLite statements: binding one batch row or the
// parameters of a built statement, and reading result rows column by column into a batch.
// Decimals travel as their int64 units, dates as days, timestamps as epoch ms, bools as 0/1.
// Pure helpers over statements the caller owns; no synchronisation of their own.
#pragma once

#include <cstdint>
#include <vector>

#include "core/record_batch.h"
#include "core/status.h"
#include "storage/relational/statement_builder.h"

struct sqlite3_stmt;

namespace mystocks::storage {

class SqliteConnection;

// Binds params[i] to placeholder i + 1.
void bind_params(sqlite3_stmt* statement, const std::vector<BoundValue>& params);

// Binds rows of one batch to statement placeholders. The column storage is resolved once per
// batch, so binding a cell is a switch and a load, not a variant lookup. Strings are bound without
// copying: the batch must outlive the statement's next step.
class SqliteRowBinder {
 public:
  explicit SqliteRowBinder(const RecordBatch& batch);
  // Binds row `row`, column i to placeholder first_slot + i.
  void bind(sqlite3_stmt* statement, size_t row, int first_slot = 1) const;
  size_t columns() const { return columns_.size(); }

 private:
  struct BoundColumn {
    ColumnType type;
    const void*
        values;  // the column's vector data (uint8_t, int32_t, int64_t, double, std::string)
    const uint8_t* validity;  // null when every value is present
  };
  std::vector<BoundColumn> columns_;
};

// Steps `statement` to the end, collecting rows typed by `fields`; fails with
// kResourceExhausted (via too_many_rows) past `max_rows` rows when max_rows >= 0.
Result<RecordBatch> read_rows(SqliteConnection& connection, sqlite3_stmt* statement,
                              const std::vector<Field>& fields, const std::string& table,
                              int64_t max_rows);

}  // namespace mystocks::storage
