// DataManager: the single entry point for stored data (ARCHITECTURE.md "Data classes and
// routing"). It routes each table of tables.yaml to exactly one store by its classification (or
// the table's override) - no silent fallbacks - validates batches against the table, writes them
// with the caller's failure strategy, publishes DataChanged after each durable write, and counts
// rows and latency per table in metrics.
// Thread-safety: after open(), save/load/route/subscribe may be called concurrently from any
// thread. The catalog, stores, clock and metrics registry must outlive the manager.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/circuit_breaker.h"
#include "core/clock.h"
#include "core/metrics.h"
#include "core/record_batch.h"
#include "core/status.h"
#include "services/batch_validator.h"
#include "services/data_changed.h"
#include "storage/relational_store.h"
#include "storage/table_schema.h"
#include "storage/time_series_store.h"

namespace mystocks::services {

// What save() does when rows are invalid or the store fails.
enum class SaveStrategy : uint8_t {
  kRollback,  // all or nothing: any invalid row or store error fails the save, nothing is written
  kContinue,  // write the valid rows in chunks and report the invalid ones; a store error stops
              // the save and fails it (chunks written before it stay written)
  kRetry,     // all or nothing, but retry store errors that may pass (unavailable, aborted, ...)
};

std::string_view save_strategy_name(SaveStrategy strategy);  // "rollback", "continue", "retry"
Result<SaveStrategy> parse_save_strategy(std::string_view name);

struct SaveReport {
  std::string table;
  storage::StoreKind store = storage::StoreKind::kRelational;
  SaveStrategy strategy = SaveStrategy::kRollback;
  int64_t rows_received = 0;
  int64_t rows_written = 0;
  int64_t rows_rejected = 0;     // rows that failed validation, even beyond the errors listed
                                 // (never rows a store refused: that fails the save)
  int attempts = 0;              // store writes tried (retries included)
  std::vector<RowError> errors;  // at most DataManagerOptions::max_reported_errors
};

struct RouteDecision {
  std::string table;
  storage::DataClassification classification = storage::DataClassification::kTick;
  storage::StoreKind store = storage::StoreKind::kRelational;
  bool overridden = false;  // tables.yaml's `target` chose the store, not the classification
  std::string backend;      // the store serving it, e.g. "sqlite /data/relational.db (WAL, ...)"
  std::string explanation;  // one sentence for logs, the admin API and `mystocks query --explain`
};

// One query shape for both stores.
struct LoadQuery {
  std::vector<std::string> columns;  // projection; empty = all
  std::vector<std::string> symbols;  // canonical symbols; empty = all
  // On the table's time column, or else the first date/timestamp column of its unique key (a
  // date is in range when its Asia/Shanghai midnight is). Default: everything.
  storage::TimeRange range;
  // Relational tables: any typed filter. Time-series tables: equality on tag columns only.
  std::vector<storage::Filter> filters;
  // Relational tables only: explicit sort keys (else symbol, then time per `order`).
  std::vector<storage::OrderBy> order_by;
  storage::SortOrder order = storage::SortOrder::kAscending;  // by time within a symbol
  int64_t limit = -1;
  int64_t offset = 0;
};

// What delete_range() and replace() cover: rows of `symbols` (any accepted spelling; empty =
// every symbol) and `tags` whose time is in `range`, on the same column and with the same date rule
// as LoadQuery (a date is in range when its Asia/Shanghai midnight is). Unbounded = all time.
struct RangeScope {
  std::vector<std::string> symbols;
  storage::TimeRange range;
  // Time-series tables: only series with these tag values (tag column -> value, e.g.
  // frequency = "5m" of minute_kline, so one interval's bars go and the others stay); empty =
  // every series. A non-tag column, the symbol tag or a relational table is kInvalidArgument.
  std::map<std::string, std::string> tags;
  // Required to act with neither symbols nor a bounded range (every row of the table), so a
  // forgotten parameter never empties a table.
  bool whole_table = false;
};

struct ReplaceReport {
  int64_t rows_deleted = 0;  // stored rows of the scope that the new rows replaced
  int64_t rows_written = 0;
};

struct TableSize {
  int64_t rows = 0;
  int64_t series = -1;         // time-series tables: distinct series; -1 elsewhere
  int64_t bytes_on_disk = -1;  // -1 when the store cannot tell (the relational stores)
  int64_t raw_bytes = -1;      // time-series tables: size as plain columns; -1 elsewhere
};

struct DataManagerOptions {
  int max_attempts = 3;               // kRetry: store writes per save, >= 1
  int64_t retry_base_delay_ms = 100;  // kRetry: first pause; doubles per attempt
  int64_t retry_max_delay_ms = 2000;  // kRetry: pause ceiling
  int64_t chunk_rows = 10000;         // kContinue: rows per store write
  size_t max_reported_errors = 100;   // bound on SaveReport::errors
  // How retries wait; tests pass a recorder. Default: std::this_thread::sleep_for.
  std::function<void(int64_t ms)> sleep;
  // Where metrics go; nullptr = MetricsRegistry::global().
  MetricsRegistry* metrics = nullptr;
  // How route() names the time-series store (TimeSeriesStore has no describe()).
  std::string time_series_backend = "tsdb (embedded time-series store)";
  // Circuit breakers around the stores ("store.relational", "store.time_series"): while one is
  // open, save/load on its tables fail at once with kUnavailable (HTTP 503) instead of waiting
  // on a store that is down. nullptr = no breakers. Must outlive the manager.
  BreakerRegistry* breakers = nullptr;
};

class DataManager {
 public:
  // Either store may be null when no table routes to it (open() checks).
  DataManager(const storage::TableCatalog& catalog, storage::TimeSeriesStore* time_series,
              storage::RelationalStore* relational, const Clock& clock,
              DataManagerOptions options = {});

  // Creates or migrates every declared table in its store. kFailedPrecondition when a table
  // routes to a store that is not configured; a store's refusal (incompatible migration) names
  // the table. Call once, before anything else.
  Status open();

  Result<RouteDecision> route(const std::string& table) const;
  const storage::TableCatalog& catalog() const { return catalog_; }

  // Validates and writes `batch` (see SaveStrategy). kRollback/kRetry return the first problem
  // as the Status; kContinue returns a report unless the batch's columns do not fit the table.
  Result<SaveReport> save(const std::string& table, const RecordBatch& batch,
                          SaveStrategy strategy = SaveStrategy::kRollback);

  Result<RecordBatch> load(const std::string& table, const LoadQuery& query);

  // The newest row of each of `symbols` (all series when empty) of a time-series table, in
  // symbol order; symbols without rows are absent. kUnsupported for relational tables.
  Result<RecordBatch> latest(const std::string& table, const std::vector<std::string>& symbols,
                             const std::vector<std::string>& columns = {});

  // ---- Transactions and sizes (data_manager_txn.cc) ----

  // Runs `body` in one transaction of the relational store: commits when it returns OK, rolls
  // back otherwise and returns its Status. Every table `ops` touches must route to the
  // relational store (kFailedPrecondition naming it otherwise); upserts are checked like save()
  // (schema and rows, kRollback) and publish DataChanged only after the commit. The body may be
  // run again after a lost connection (RelationalStore::transaction), so it must touch data only
  // through `ops`. Transactions do not nest.
  Status transaction(const std::function<Status(storage::RelationalOps& ops)>& body);

  // Rows of a relational table that match every filter (pagination totals).
  Result<int64_t> count(const std::string& table, const std::vector<storage::Filter>& filters);

  // Rows (and bytes, where the store can tell) of any declared table.
  Result<TableSize> size(const std::string& table);

  // ---- Range delete and replace (data_manager_delete.cc) ----

  // Deletes the rows of `table` in `scope`, in each store's own way (tsdb: one WAL tombstone;
  // relational: one filtered DELETE), and publishes DataChanged (rows_deleted, the scope, no
  // batch) when rows went. Only market and reference data can be range-deleted:
  // kFailedPrecondition for users, sessions, orders, the audit log and other tables with their
  // own lifecycle. On a time-series table every series of a symbol is covered (minute_kline: all
  // frequencies). Returns the number of rows removed.
  Result<int64_t> delete_range(const std::string& table, const RangeScope& scope);

  // Replaces the stored rows of `scope` by `batch` atomically: readers and a crash see the old
  // rows or the new ones, never a gap (tsdb: one WAL record carrying tombstone and batch;
  // relational: erase + upsert in one transaction). Rows are checked like save(kRollback) and
  // must lie inside the scope (kInvalidArgument naming the row). Rows of the scope missing from
  // `batch` are gone afterwards; rows outside the scope are untouched. Publishes one DataChanged
  // with the new rows and rows_deleted.
  Result<ReplaceReport> replace(const std::string& table, const RangeScope& scope,
                                const RecordBatch& batch);

  // ---- Series inventory (data_manager_inventory.cc) ----

  // Per-series summaries of a time-series table from the store's metadata
  // (TimeSeriesStore::summarize_series); kFailedPrecondition for relational tables.
  Result<std::vector<storage::SeriesSummary>> summarize_time_series(
      const std::string& table, const std::vector<std::string>& symbols);
  // Per-symbol aggregate of a relational table over `time_column`
  // (RelationalStore::summarize_series); kFailedPrecondition for time-series tables.
  Result<RecordBatch> summarize_relational(const std::string& table,
                                           const std::string& time_column,
                                           const std::vector<std::string>& symbols);

  SubscriptionId subscribe(DataChangedHandler handler) {
    return bus_.subscribe(std::move(handler));
  }
  void unsubscribe(SubscriptionId id) { bus_.unsubscribe(id); }

 private:
  struct TableMetrics;
  Result<const storage::TableSchema*> find(const std::string& table) const;
  Status write(const storage::TableSchema& table, const RecordBatch& batch);
  Status write_with_retry(const storage::TableSchema& table, const RecordBatch& batch,
                          SaveReport& report);
  Status write_in_chunks(const storage::TableSchema& table, const RecordBatch& batch,
                         const std::vector<uint32_t>& rows, SaveReport& report);
  void add_error(SaveReport& report, RowError error) const;
  void publish(const storage::TableSchema& table, const RecordBatch& written) const;
  Result<RecordBatch> load_relational(const storage::TableSchema& table, const LoadQuery& query);
  // Relational filters selecting `symbols` (canonical) and `range` on the table's range column.
  static Result<std::vector<storage::Filter>> scope_filters(const storage::TableSchema& table,
                                                            const std::vector<std::string>& symbols,
                                                            storage::TimeRange range);
  // The table, if range delete/replace may touch it, and the scope's canonical symbols.
  Result<const storage::TableSchema*> find_range_target(const std::string& table,
                                                        const RangeScope& scope,
                                                        std::vector<std::string>& symbols) const;
  Result<int64_t> replace_relational(const storage::TableSchema& table,
                                     const std::vector<std::string>& symbols,
                                     storage::TimeRange range, const RecordBatch& batch);
  void publish_range(const storage::TableSchema& table, std::vector<std::string> symbols,
                     storage::TimeRange range, int64_t rows_deleted,
                     const RecordBatch* written) const;
  Result<RecordBatch> load_time_series(const storage::TableSchema& table, const LoadQuery& query);
  TableMetrics metrics_for(const std::string& table) const;
  Result<const storage::TableSchema*> find_relational(const std::string& table) const;
  // The breaker guarding `store`, or nullptr without breakers.
  CircuitBreaker* breaker_for(storage::StoreKind store) const;

  const storage::TableCatalog& catalog_;
  storage::TimeSeriesStore* time_series_;
  storage::RelationalStore* relational_;
  const Clock& clock_;
  DataManagerOptions options_;
  MetricsRegistry& metrics_;
  ChangeBus bus_;
};

}  // namespace mystocks::services
