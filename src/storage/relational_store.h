// RelationalStore: the interface of the store for relational data (daily K-lines, reference
// data, paper trading, sync outbox). Implementations: storage/sqlite (embedded, default) and
// storage/postgres (libpq). Tables come only from tables.yaml (ensure_table); every identifier a
// store puts in SQL is a declared, quoted name and every value is a bound parameter, so no text a
// user typed ever becomes SQL.
// Contract: upsert() is atomic per call (all rows or none) and a duplicate unique key replaces the
// earlier row (within one batch the last row wins); transaction() commits only when its body
// returns OK. Thread-safety: every method may be called concurrently from any thread, except
// that a transaction body must use only the RelationalOps it is given, on the calling thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/record_batch.h"
#include "core/status.h"
#include "storage/table_schema.h"
#include "storage/time_series_store.h"  // SortOrder

namespace mystocks::storage {

// A typed filter value. Which alternative a column takes:
//   bool columns -> bool;  double columns -> double (an int64 is accepted too);
//   string columns -> std::string;
//   int32, int64 -> int64_t;  decimal(s) -> int64_t units at the column's scale (core/decimal.h);
//   timestamp -> int64_t epoch milliseconds UTC;  date -> int64_t days since 1970-01-01.
using Value = std::variant<bool, int64_t, double, std::string>;

enum class FilterOp : uint8_t {
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kIn,          // one or more values
  kNotIn,       // one or more values
  kIsNull,      // no value
  kIsNotNull,   // no value
  kStartsWith,  // string columns; case-sensitive, no wildcards
  kContains,    // string columns; case-sensitive, no wildcards
};

std::string_view filter_op_name(FilterOp op);

struct Filter {
  std::string column;
  FilterOp op = FilterOp::kEq;
  std::vector<Value> values;
};

// Filter builders, so call sites read as conditions.
inline Filter eq(std::string column, Value value) {
  return {std::move(column), FilterOp::kEq, {std::move(value)}};
}
inline Filter cmp(std::string column, FilterOp op, Value value) {
  return {std::move(column), op, {std::move(value)}};
}
inline Filter in(std::string column, std::vector<Value> values) {
  return {std::move(column), FilterOp::kIn, std::move(values)};
}
inline Filter is_null(std::string column) { return {std::move(column), FilterOp::kIsNull, {}}; }

struct OrderBy {
  std::string column;
  SortOrder order = SortOrder::kAscending;
};

// Nulls sort last ascending and first descending on every backend.
struct RelationalQuery {
  std::vector<std::string> columns;  // projection; empty = every declared column
  std::vector<Filter> filters;       // all must hold
  // Sort keys. The table's unique key is always appended as a tie-breaker, so pages are stable;
  // empty = by unique key ascending.
  std::vector<OrderBy> order_by;
  int64_t limit = -1;  // -1 = no limit (still bounded by the store's max_result_rows)
  int64_t offset = 0;
  // Read-your-writes: skip a replica even when one is configured and healthy.
  bool from_primary = false;
};

// What can be done to data, both directly on a store and inside a transaction.
class RelationalOps {
 public:
  virtual ~RelationalOps() = default;

  // Inserts or updates rows by the table's unique key. The batch may hold a subset of the
  // table's columns, but must hold every key and non-nullable column; an existing row keeps the
  // values of columns the batch leaves out. Columns are matched by name and must have the
  // declared type (kSchemaMismatch naming the column otherwise); NaN and infinities are rejected.
  virtual Status upsert(const std::string& table, const RecordBatch& batch) = 0;

  // Rows matching the query; columns follow the projection. kResourceExhausted when more rows
  // than the store's max_result_rows would be returned (page with limit/offset instead).
  virtual Result<RecordBatch> query(const std::string& table, const RelationalQuery& query) = 0;

  virtual Result<int64_t> count(const std::string& table, const std::vector<Filter>& filters) = 0;

  // Deletes matching rows and returns how many; at least one filter is required.
  virtual Result<int64_t> erase(const std::string& table, const std::vector<Filter>& filters) = 0;
};

class RelationalStore : public RelationalOps {
 public:
  // "sqlite" or "postgres".
  virtual std::string_view backend() const = 0;
  // Where the data lives, for route explanations and logs ("sqlite /data/relational.db").
  virtual std::string describe() const = 0;

  // Creates the table from its declaration, or migrates an existing one: columns added to
  // tables.yaml are added (they must be nullable), new indexes are built, and the change is
  // recorded in the schema-version table. A removed column, a changed type or nullability or
  // changed keys is incompatible: kSchemaMismatch naming the table, the column and the change,
  // and nothing is altered. Idempotent; safe to run from several processes at once.
  virtual Status ensure_table(const TableSchema& table) = 0;

  // The version recorded for an ensured table: 1 when created, +1 per migration.
  virtual Result<int64_t> schema_version(const std::string& table) = 0;

  // Runs `body` in one transaction on the primary: commits when it returns OK, rolls back
  // otherwise and returns its Status. If the connection is lost before the commit completes, the
  // store may run `body` again on a new connection, so it must touch data only through `ops`
  // (upserts and erases are idempotent). Transactions do not nest.
  virtual Status transaction(const std::function<Status(RelationalOps& ops)>& body) = 0;

  // Cheap liveness check for /health/ready.
  virtual Status check_health() = 0;

  // The series inventory of a table with a "symbol" column: one row per symbol matching
  // `filters`, in symbol order, with columns symbol (string), rows (int64), first and last (min
  // and max of `time_column`, its type) and distinct_times (int64) - one GROUP BY aggregate
  // that the (symbol, time) unique index serves. kUnsupported from stores that cannot.
  virtual Result<RecordBatch> summarize_series(const std::string& table,
                                               const std::string& time_column,
                                               const std::vector<Filter>& filters) {
    (void)time_column;
    (void)filters;
    return error(ErrorCode::kUnsupported, "the {} store cannot summarise table '{}'", backend(),
                 table);
  }
};

inline std::string_view filter_op_name(FilterOp op) {
  switch (op) {
    case FilterOp::kEq:
      return "eq";
    case FilterOp::kNe:
      return "ne";
    case FilterOp::kLt:
      return "lt";
    case FilterOp::kLe:
      return "le";
    case FilterOp::kGt:
      return "gt";
    case FilterOp::kGe:
      return "ge";
    case FilterOp::kIn:
      return "in";
    case FilterOp::kNotIn:
      return "not_in";
    case FilterOp::kIsNull:
      return "is_null";
    case FilterOp::kIsNotNull:
      return "is_not_null";
    case FilterOp::kStartsWith:
      return "starts_with";
    case FilterOp::kContains:
      return "contains";
  }
  return "unknown";
}

}  // namespace mystocks::storage
