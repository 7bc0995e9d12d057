// TsdbStore: the embedded time-series engine, MyStocks' default storage::TimeSeriesStore
// (docs/design/tsdb.md). Write-ahead log with group commit, per-series memtable heads, immutable
// compressed segment files per table and day, background flush and compaction (retried with
// backoff after a failure), readers on immutable snapshots, crash recovery by WAL replay, and a
// low-priority maintenance thread (segment scrub, scheduled retention; docs/reliability.md).
// Invariant: damage is reported, never skipped silently: a damaged WAL record before a valid
// one fails open() with DATA_LOSS; a damaged segment makes check_health() fail naming it.
// Thread-safety: every public method may be called from any thread concurrently, except that
// the store must not be destroyed while calls are in flight.
// Locking (in acquisition order): write_mutex_ (writers: WAL order = apply order) ->
// version_mutex_ (everything that changes the MANIFEST) -> state_mutex_ (memtables, Version;
// readers take it shared for the moment it takes to snapshot) -> LatestCache / SegmentCache.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/time_series_store.h"
#include "storage/tsdb/column_pool.h"
#include "storage/tsdb/file_io.h"
#include "storage/tsdb/latest_cache.h"
#include "storage/tsdb/memtable.h"
#include "storage/tsdb/options.h"
#include "storage/tsdb/segment_cache.h"
#include "storage/tsdb/series_catalog.h"
#include "storage/tsdb/table_reader.h"
#include "storage/tsdb/version.h"
#include "storage/tsdb/wal.h"

namespace mystocks::tsdb {

// What open() found and did.
struct RecoveryReport {
  struct TornTail {
    std::string file;
    uint64_t offset = 0;         // where the file was truncated
    uint64_t dropped_bytes = 0;
    std::string reason;
  };
  // Damaged WAL bytes skipped by a salvage (TsdbOptions::salvage_wal, `admin tsdb-repair`).
  struct SalvagedRange {
    std::string file;
    uint64_t offset = 0;
    uint64_t length = 0;
    std::string reason;
  };
  uint64_t wal_files = 0;
  uint64_t records = 0;
  uint64_t rows = 0;
  std::vector<TornTail> torn_tails;
  std::vector<SalvagedRange> salvaged;
  std::vector<std::string> quarantined;       // copies of salvaged WAL files, kept
  std::vector<std::string> damaged_segments;  // segments whose footer or index failed at open
  uint64_t orphan_files_removed = 0;

  std::string to_string() const;
};

// Sizes for the benchmark's memory report.
struct MemoryUsage {
  uint64_t memtable_bytes = 0;  // active + frozen memtables
  uint64_t segment_index_bytes = 0;
  uint64_t open_segments = 0;
};

class TsdbStore final : public storage::TimeSeriesStore {
 public:
  static Result<std::unique_ptr<TsdbStore>> open(TsdbOptions options);
  ~TsdbStore() override;
  TsdbStore(const TsdbStore&) = delete;
  TsdbStore& operator=(const TsdbStore&) = delete;

  Status create_table(const storage::TableSchema& table) override;
  Status write(const std::string& table, const RecordBatch& batch) override;
  Result<RecordBatch> scan(const std::string& table, const storage::ScanQuery& query) override;
  Result<RecordBatch> latest(const std::string& table, const std::vector<std::string>& symbols,
                             const std::vector<std::string>& columns = {}) override;
  Result<RecordBatch> aggregate(const std::string& table,
                                const storage::AggregateQuery& query) override;
  Result<int64_t> delete_range(const std::string& table, const std::vector<std::string>& symbols,
                               const std::map<std::string, std::string>& tag_equals,
                               storage::TimeRange range) override;
  // One kReplace (kReplaceTagged) WAL record (tombstone + batch) applied under one memtable
  // lock: see tsdb_store_write.cc for why a crash cannot lose the old rows without the new ones.
  Result<int64_t> replace_range(const std::string& table, const std::vector<std::string>& symbols,
                                const std::map<std::string, std::string>& tag_equals,
                                storage::TimeRange range, const RecordBatch& batch) override;
  Result<storage::RetentionReport> apply_retention(TimestampMs now_ms) override;
  Result<storage::TableStats> stats(const std::string& table) override;
  // tsdb_store_inventory.cc. Blocks writers while a table's summaries are first built and while
  // stale series are recounted (series_catalog.h); afterwards a copy of the catalog.
  Result<std::vector<storage::SeriesSummary>> summarize_series(
      const std::string& table, const std::vector<std::string>& symbols) override;
  Status check_health() override;

  // Freezes the active memtable and returns once every frozen memtable is in segment files.
  Status flush();
  // flush(), then merges every day that has more than one segment into one.
  Status compact();
  const RecoveryReport& recovery_report() const { return recovery_; }
  // Segments found damaged (at open, by the scrub, by compaction), each message naming the file.
  std::vector<std::string> damaged_segments() const;
  // Verifies every block of every live segment now (what the scrub thread does each interval);
  // returns how many segments were verified.
  uint64_t scrub();
  std::vector<std::string> table_names() const;
  MemoryUsage memory_usage() const;
  const TsdbOptions& options() const { return options_; }

 private:
  explicit TsdbStore(TsdbOptions options);

  // tsdb_store.cc: opening and recovery.
  Status recover();
  // `newest`: the last WAL file, the only one that may end in a torn record.
  Status replay_wal(uint64_t number, bool newest);
  // Salvage: records the dropped ranges and keeps a copy of the damaged file.
  Status quarantine_wal(const std::filesystem::path& path, const WalFileScan& scan);
  Status remove_orphans(const ManifestData& manifest);
  Status install_manifest(const ManifestData& manifest);
  std::shared_ptr<const TableInfo> find_table(const std::string& name) const;
  Result<std::shared_ptr<const TableInfo>> require_table(const std::string& name) const;
  Status writable() const;

  // tsdb_store_write.cc
  Status apply_record(WalRecordType type, std::string_view payload, uint64_t* rows);
  Status apply_write_locked(const std::shared_ptr<const TableInfo>& table,
                            const ValidatedBatch& batch);
  Status apply_delete_locked(const std::shared_ptr<const TableInfo>& table,
                             const DeleteRequest& request);
  // The delete, then the write, under one exclusive memtable lock.
  Status apply_replace_locked(const std::shared_ptr<const TableInfo>& table,
                              const DeleteRequest& request, const ValidatedBatch& batch);
  Status log_and_apply_delete(const DeleteRequest& request, const std::shared_ptr<const TableInfo>& table);
  // Rows of `table` visible in `range` for `filter`. REQUIRES: write_mutex_ held (so the count
  // stays true until a delete is logged).
  Result<int64_t> count_visible_locked(const std::shared_ptr<const TableInfo>& table,
                                       const SeriesFilter& filter, storage::TimeRange range);
  // Whether any row of `table` (in any layer, deleted or not) is older than `cutoff`.
  bool has_rows_before(const std::string& table, int64_t cutoff) const;
  // Freezes the active memtable and starts a new WAL file. REQUIRES: write_mutex_ held.
  Status switch_memtable_locked();
  // Blocks while too many memtables wait for flushing. REQUIRES: write_mutex_ held.
  Status wait_for_room_locked();

  // tsdb_store_integrity.cc: damaged segments, the scrub and scheduled retention.
  void verify_segments_at_open();
  void note_damage(const SegmentHandle& segment, const Status& status);
  void forget_damage(uint64_t file_number);
  bool is_damaged(uint64_t file_number) const;
  Status damage_status() const;  // DATA_LOSS naming every damaged segment, else OK
  void start_maintenance();
  void stop_maintenance();
  void maintenance_loop();
  void run_scheduled_retention();
  // Retention of one table: the rows it removed, or nullopt when nothing visible was older.
  // REQUIRES: write_mutex_ held.
  Result<std::optional<int64_t>> retain_table_locked(const std::shared_ptr<const TableInfo>& table,
                                                     int64_t cutoff);

  // tsdb_store_flush.cc: background work and MANIFEST changes.
  void background_loop();
  // One round of background work: a due time-based flush, then flushes and compactions.
  Status background_round();
  // After a failure: restarts a WAL that failed in append (disk full) and retries. REQUIRES:
  // the caller is the background thread.
  Status retry_background_work();
  void wake_background();
  // Flushes the oldest frozen memtable, if any. Returns whether one was flushed.
  Result<bool> flush_one();
  Result<bool> flush_one_locked();  // REQUIRES: version_mutex_ held
  // Runs one compaction if a day needs it (all = merge every multi-segment day).
  Result<bool> compact_one(bool all);
  Result<bool> compact_one_locked(bool all);  // REQUIRES: version_mutex_ held
  // Removes new_files_ unless they were committed to the MANIFEST. REQUIRES: version_mutex_.
  void discard_new_files_locked(bool committed);
  // The segment without the rows `tombstones` cover: itself when none is touched, a rewritten
  // copy (same generation, new file) otherwise, nullptr when nothing is left.
  Result<SegmentPtr> rewrite_segment(const SegmentPtr& segment, const TableInfo& info,
                                     const std::vector<const Tombstone*>& tombstones);
  Status commit_version(const std::map<std::string, TableVersion>& tables, uint64_t wal_start,
                        std::vector<SegmentPtr> obsolete);
  ManifestData manifest_for(const std::map<std::string, TableVersion>& tables,
                            uint64_t wal_start) const;
  uint64_t next_file_number();
  Status wait_until_flushed();

  // tsdb_store_inventory.cc: per-series summaries of `table`'s series matching `filter`; from
  // segment indexes where one segment holds a day (`from_indexes`), else from rows.
  // REQUIRES: write_mutex_ held.
  Result<SeriesCatalog::Entries> count_series(const std::shared_ptr<const TableInfo>& table,
                                              const SeriesFilter& filter, bool from_indexes);

  // tsdb_store_read.cc
  // Snapshot of one table for a query; `under_lock` runs while the snapshot is taken (the latest
  // cache needs its epoch to match the snapshot exactly).
  ReadView read_view(const std::shared_ptr<const TableInfo>& table, const ValueSelection& selection,
                     const SeriesFilter& filter, storage::TimeRange range,
                     const std::function<void()>& under_lock = {}) const;
  Result<SeriesFilter> make_filter(const TableInfo& table, const std::vector<std::string>& symbols,
                                   const std::map<std::string, std::string>& tag_equals) const;
  Result<std::map<std::string, LatestRow>> walk_latest(const std::shared_ptr<const TableInfo>& table,
                                                       const ReadView& view,
                                                       const SeriesFilter& filter);

  TsdbOptions options_;
  DirectoryLock lock_;
  std::unique_ptr<Wal> wal_;  // nullptr when read-only
  SegmentCache segments_;
  mutable LatestCache latest_cache_;
  std::shared_ptr<ColumnPool> column_pool_;  // recycles memtable storage (memtables share it)
  RecoveryReport recovery_;
  SeriesCatalog series_catalog_;  // per-series summaries of the tables asked about
  bool open_ = false;  // recovery completed; only then may the destructor flush

  std::mutex write_mutex_;    // serialises WAL append + memtable apply
  std::mutex version_mutex_;  // serialises MANIFEST changes (flush, compaction, create_table)
  uint64_t next_generation_ = 1;    // GUARDED_BY(version_mutex_)
  uint64_t wal_start_ = 0;          // GUARDED_BY(version_mutex_)
  // GUARDED_BY(version_mutex_): segment files the running flush/compaction has created.
  std::vector<std::filesystem::path> new_files_;
  std::atomic<uint64_t> next_file_number_{1};

  mutable std::shared_mutex state_mutex_;
  std::condition_variable_any state_cv_;                // frozen_ shrank or an error happened
  std::shared_ptr<Memtable> active_;                    // GUARDED_BY(state_mutex_)
  std::deque<std::shared_ptr<const Memtable>> frozen_;  // GUARDED_BY(state_mutex_), oldest first
  std::shared_ptr<const Version> version_;              // GUARDED_BY(state_mutex_)
  Status background_error_;                             // GUARDED_BY(state_mutex_), sticky

  std::mutex background_mutex_;
  std::condition_variable background_cv_;
  bool stopping_ = false;           // GUARDED_BY(background_mutex_)
  bool work_pending_ = false;       // GUARDED_BY(background_mutex_)
  std::thread background_;

  mutable std::mutex damage_mutex_;                 // leaf lock: nothing is called under it
  std::map<uint64_t, std::string> damaged_;         // GUARDED_BY(damage_mutex_), by file number

  std::mutex maintenance_mutex_;
  std::condition_variable maintenance_cv_;
  bool maintenance_stopping_ = false;  // GUARDED_BY(maintenance_mutex_)
  std::thread maintenance_;

  Counter* rows_written_ = nullptr;
  Counter* batches_written_ = nullptr;
  Counter* flushes_ = nullptr;
  Counter* compactions_ = nullptr;
  Counter* write_stalls_ = nullptr;
  Counter* corruptions_ = nullptr;
  Histogram* write_seconds_ = nullptr;
  Gauge* damaged_gauge_ = nullptr;
  Counter* scrubbed_ = nullptr;
  Counter* background_failures_ = nullptr;
  Family<Counter>* retention_rows_ = nullptr;
};

}  // namespace mystocks::tsdb
