// Builds SQL statements from typed requests (RelationalQuery, filters, batch layouts) for one
// dialect. Identifiers come only from the TableSchema (checked and quoted); every value becomes a
// placeholder plus a BoundValue typed by its column, so request text never becomes SQL.
// Unknown columns, mistyped values and bad pagination are kInvalidArgument naming the field.
// Pure functions: safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/record_batch.h"
#include "core/status.h"
#include "storage/relational/batch_layout.h"
#include "storage/relational/sql_dialect.h"
#include "storage/relational_store.h"
#include "storage/table_schema.h"

namespace mystocks::storage {

// A parameter with the column type that decides its encoding (int64 units of a decimal(2)
// column are sent to PostgreSQL as numeric 12.34, to SQLite as the integer 1234).
struct BoundValue {
  ColumnType type = ColumnType::kInt64;
  int scale = 0;
  Value value;
};

struct SqlStatement {
  std::string text;
  std::vector<BoundValue> params;
};

struct SelectStatement {
  SqlStatement sql;
  std::vector<Field> fields;  // result columns, as declared
  // The statement fetches at most max_rows + 1 rows; getting more than max_rows means the
  // query needs pagination (kResourceExhausted), reported by too_many_rows().
  int64_t max_rows = 0;
};

// The kResourceExhausted a store returns when a SELECT would exceed its row bound.
Status too_many_rows(const std::string& table, int64_t max_rows);

// Checks that `value` fits `field` (see Value in relational_store.h); `where` names the input.
Result<BoundValue> bind_value(const std::string& table, const Field& field, const Value& value,
                              std::string_view where);

Result<SelectStatement> build_select(SqlDialect dialect, const TableSchema& table,
                                     const RelationalQuery& query, int64_t max_result_rows);
Result<SqlStatement> build_count(SqlDialect dialect, const TableSchema& table,
                                 const std::vector<Filter>& filters);
// SELECT symbol, count(*) AS rows, min(time), max(time), count(DISTINCT time) ... GROUP BY
// symbol ORDER BY symbol (RelationalStore::summarize_series). kInvalidArgument when the table
// has no string "symbol" column or no date/timestamp `time_column`.
Result<SelectStatement> build_series_summary(SqlDialect dialect, const TableSchema& table,
                                             const std::string& time_column,
                                             const std::vector<Filter>& filters,
                                             int64_t max_result_rows);
// At least one filter is required, so a missing condition cannot empty a table.
Result<SqlStatement> build_erase(SqlDialect dialect, const TableSchema& table,
                                 const std::vector<Filter>& filters);

// INSERT ... ON CONFLICT (unique key) DO UPDATE SET <non-key batch columns> = excluded values
// (DO NOTHING when the batch holds only keys). Rows come from one VALUES tuple of placeholders
// when `source_table` is empty (SQLite, one execution per row), else from SELECT over
// `source_table` (PostgreSQL's COPY staging table).
std::string build_upsert(SqlDialect dialect, const TableSchema& table, const BatchLayout& layout,
                         std::string_view source_table = {});

}  // namespace mystocks::storage
