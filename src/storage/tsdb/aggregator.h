// Interval aggregation: plans an AggregateQuery against a table (output schema, input columns,
// type rules) and folds each series' rows, in time order, into one output row per bucket:
// tag columns, the bucket start (named like the table's time column), then the aggregates.
//   first/last/min/max  the input's type (nullable: a bucket may hold only nulls)
//   sum                 int64 for integers and bools, decimal(s) for decimal(s), double for
//                       double; OUT_OF_RANGE when an integer sum overflows
//   count               int64, non-null values
//   avg                 double (decimals in units of the decimal, not raw units)
// Nulls are skipped. Thread-safety: an AggregateBuilder has one owner.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/record_batch.h"
#include "core/status.h"
#include "storage/time_series_store.h"
#include "storage/tsdb/bucket.h"
#include "storage/tsdb/series_rows.h"
#include "storage/tsdb/table_info.h"

namespace mystocks::tsdb {

struct AggregatePlan {
  struct Item {
    std::optional<size_t> input;  // position in `selection` (nullopt: the time column)
    ColumnType type = ColumnType::kInt64;
    int scale = 0;
    storage::AggregateFunction function = storage::AggregateFunction::kLast;
    Field output;
  };
  std::vector<Item> items;
  ValueSelection selection;  // value columns to read
  std::shared_ptr<const Schema> output_schema;
};

// INVALID_ARGUMENT naming the aggregate (column, function) when it cannot apply.
Result<AggregatePlan> plan_aggregate(const TableInfo& table, const storage::AggregateQuery& query);

class AggregateBuilder {
 public:
  AggregateBuilder(const TableInfo& table, const AggregatePlan& plan, Bucketer bucketer);

  void begin_series(const std::vector<std::string>& tags);
  // Rows of the current series, later than any added before.
  Status add(const SeriesRows& rows);
  Status end_series();
  Result<RecordBatch> finish();

 private:
  struct State {
    int64_t count = 0;
    int64_t first_i = 0, last_i = 0, min_i = 0, max_i = 0;
    __extension__ __int128 sum_i = 0;
    double first_d = 0, last_d = 0, min_d = 0, max_d = 0, sum_d = 0;
    std::string first_s, last_s, min_s, max_s;
  };
  // Folds rows [begin, end) (all in the current bucket) into the state of one aggregate.
  void accumulate(State& state, const AggregatePlan::Item& item, const SeriesRows& rows,
                  size_t begin, size_t end);
  Status emit_bucket();
  // Clears a state for the next bucket, keeping the strings' capacity.
  static void reset(State& state);

  const TableInfo& table_;
  const AggregatePlan& plan_;
  Bucketer bucketer_;
  std::vector<std::string> tags_;
  int64_t bucket_ = Bucketer::kNoBucket;
  std::vector<State> states_;
  std::vector<Column> columns_;  // output columns: tags, time, aggregates
};

}  // namespace mystocks::tsdb
