// TimeSeriesStore: the interface of the store for high-frequency series (ticks, depth, minute
// bars). One table per dataset ("super table"), one series per distinct tag tuple (symbol,
// frequency, ...). Implementations: storage/tsdb (embedded, default), later ClickHouse.
// Contract: write() returns only when the batch is durable under the configured sync policy;
// a duplicate (tags, time) replaces the earlier row; a rejected batch leaves nothing written.
// Thread-safety: every method may be called concurrently from any thread.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "core/record_batch.h"
#include "core/status.h"
#include "core/timestamp.h"
#include "storage/table_schema.h"

namespace mystocks::storage {

// Half-open [start, end) in epoch milliseconds.
struct TimeRange {
  TimestampMs start = std::numeric_limits<TimestampMs>::min();
  TimestampMs end = std::numeric_limits<TimestampMs>::max();
};

enum class SortOrder : uint8_t { kAscending, kDescending };

struct ScanQuery {
  std::vector<std::string> columns;   // projection; empty = all columns
  std::vector<std::string> symbols;   // canonical symbols; empty = all series
  std::map<std::string, std::string> tag_equals;  // other tag filters, e.g. frequency = "1m"
  TimeRange range;
  SortOrder order = SortOrder::kAscending;  // by time within a symbol; symbols ascending
  int64_t limit = -1;  // -1 = no limit
  int64_t offset = 0;
};

enum class AggregateFunction : uint8_t { kFirst, kLast, kMin, kMax, kSum, kCount, kAvg };

struct Aggregate {
  std::string column;
  AggregateFunction function = AggregateFunction::kLast;
  std::string output;  // output column name; defaults to the input column name
};

// How buckets are cut: plain multiples of the interval since the epoch, or A-share trading
// minutes in Asia/Shanghai (09:30-11:30, 13:00-15:00; a 60m bar ends at 10:30, 11:30, 14:00,
// 15:00; interval >= 1 day gives one bucket per trading date).
enum class BucketAlignment : uint8_t { kEpoch, kTradingSession };

struct AggregateQuery {
  std::vector<std::string> symbols;  // empty = all series
  std::map<std::string, std::string> tag_equals;
  TimeRange range;
  int64_t interval_ms = 60'000;
  BucketAlignment alignment = BucketAlignment::kTradingSession;
  std::vector<Aggregate> aggregates;
};

struct ColumnStats {
  std::string name;
  int64_t bytes_on_disk = 0;
  int64_t raw_bytes = 0;  // size as plain fixed-width columns
};

struct TableStats {
  std::string table;
  int64_t rows = 0;
  int64_t series = 0;
  int64_t bytes_on_disk = 0;
  int64_t raw_bytes = 0;
  double compression_ratio = 0;  // raw_bytes / bytes_on_disk
  std::vector<ColumnStats> columns;
};

// What the series inventory needs of one series, from the store's own metadata.
struct SeriesSummary {
  std::vector<std::string> tags;  // tag values in declaration order (symbol, frequency, ...)
  std::string symbol;             // the "symbol" tag (else the first tag)
  int64_t rows = 0;
  TimestampMs first_ms = 0;       // time of the first and last row
  TimestampMs last_ms = 0;
  TimestampMs last_write_ms = 0;  // wall time of the newest write to the series; 0 = unknown
  std::vector<int32_t> days;      // Asia/Shanghai dates (days since 1970-01-01) holding rows, sorted
};

// What one apply_retention() removed: one entry per table that lost rows.
struct RetentionRemoval {
  std::string table;
  TimestampMs cutoff_ms = 0;  // rows with ts < cutoff_ms were dropped
  int64_t rows = 0;           // rows that were visible before the run
};
struct RetentionReport {
  std::vector<RetentionRemoval> tables;
  int64_t rows() const {
    int64_t total = 0;
    for (const RetentionRemoval& removal : tables) total += removal.rows;
    return total;
  }
};

class TimeSeriesStore {
 public:
  virtual ~TimeSeriesStore() = default;

  // Creates the table or checks that the existing one matches; idempotent.
  virtual Status create_table(const TableSchema& table) = 0;

  // Validates the batch against the table (unknown/mistyped columns, NaN where not allowed,
  // bad symbols; errors name the column and row) and writes it atomically.
  virtual Status write(const std::string& table, const RecordBatch& batch) = 0;

  // Rows ordered by symbol, then time (per `order`). Result columns follow the projection.
  virtual Result<RecordBatch> scan(const std::string& table, const ScanQuery& query) = 0;

  // The newest row of each requested symbol (all series when `symbols` is empty).
  virtual Result<RecordBatch> latest(const std::string& table,
                                     const std::vector<std::string>& symbols,
                                     const std::vector<std::string>& columns = {}) = 0;

  // One row per (series, bucket): tag columns, the bucket start time, then the aggregates.
  virtual Result<RecordBatch> aggregate(const std::string& table, const AggregateQuery& query) = 0;

  // Deletes rows of `symbols` (all when empty) whose series have the tag values `tag_equals`
  // (tag name -> value, e.g. frequency = "5m"; empty = any) in `range`; returns the number
  // removed. An unknown tag is kInvalidArgument naming it.
  virtual Result<int64_t> delete_range(const std::string& table,
                                       const std::vector<std::string>& symbols,
                                       const std::map<std::string, std::string>& tag_equals,
                                       TimeRange range) = 0;

  // Replaces the rows of `symbols` (all when empty) x `tag_equals` (as delete_range) in `range`
  // by `batch`, atomically: a reader and a crash see either every old row of the range or every
  // new one, never a gap and never a mix. Every row of `batch` must belong to the range, the
  // symbols and the tag values (kInvalidArgument naming the row otherwise). Returns the number
  // of old rows removed.
  virtual Result<int64_t> replace_range(const std::string& table,
                                        const std::vector<std::string>& symbols,
                                        const std::map<std::string, std::string>& tag_equals,
                                        TimeRange range, const RecordBatch& batch) = 0;

  // Drops data older than each table's retention_days relative to `now_ms`; reports what went.
  virtual Result<RetentionReport> apply_retention(TimestampMs now_ms) = 0;

  virtual Result<TableStats> stats(const std::string& table) = 0;

  // One summary per series whose symbol is in `symbols` (all series when empty), in series-key
  // order, from per-series metadata the store keeps current (no row scan). kUnsupported from
  // stores that keep none.
  virtual Result<std::vector<SeriesSummary>> summarize_series(
      const std::string& table, const std::vector<std::string>& symbols) {
    (void)symbols;
    return error(ErrorCode::kUnsupported, "this time-series store cannot summarise table '{}'",
                 table);
  }

  // Cheap liveness check for /health/ready.
  virtual Status check_health() = 0;
};

}  // namespace mystocks::storage
