// LatestCache: the newest row of every series of a table, so latest() for thousands of symbols
// is a lookup. A table's cache starts incomplete; the first latest() walks the data (newest day
// first) and installs the result, merged with rows written meanwhile; from then on writes keep
// it current and deletes invalidate the entries whose row they remove (recomputed on demand).
// Bounded: a table with more series than the capacity is never cached (every latest() walks).
// Thread-safety: all methods are synchronised. on_write/on_delete are called with the store's
// exclusive memtable lock held, and epoch() under its shared lock, so epochs order exactly like
// memtable changes.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "storage/tsdb/batch_validation.h"
#include "storage/tsdb/series_rows.h"
#include "storage/tsdb/table_info.h"
#include "storage/tsdb/wal_record.h"

namespace mystocks::tsdb {

struct LatestRow {
  std::vector<std::string> tags;
  SeriesRows row;  // one row, every value column of the table
};

class LatestCache {
 public:
  explicit LatestCache(size_t capacity) : capacity_(capacity) {}

  void on_write(const TableInfo& table, const ValidatedBatch& batch);
  void on_delete(const TableInfo& table, const DeleteRequest& request);
  // Forgets a table (schema change or drop).
  void reset(const std::string& table);

  // Starts a walk: returns the epoch the caller's snapshot corresponds to. REQUIRES: called
  // under the store's shared memtable lock, together with taking the snapshot.
  uint64_t begin_walk(const std::string& table);
  // Installs a walk's result (series -> newest row as of the snapshot), merged with writes since;
  // gives up (leaving the cache incomplete) if a delete happened since the snapshot.
  void finish_walk(const std::string& table, uint64_t epoch, std::map<std::string, LatestRow> rows);
  // Ends a walk that failed.
  void abandon_walk(const std::string& table);

  // Rows of the series accepted by `wanted` when the table's cache is complete; nullopt when it
  // is not. `stale` receives keys whose entries a delete invalidated (recompute them).
  template <typename Wanted>
  std::optional<std::vector<std::pair<std::string, LatestRow>>> lookup(
      const std::string& table, Wanted&& wanted, std::vector<std::string>& stale);
  // Replaces one entry recomputed after invalidation (nullopt: the series has no rows left),
  // unless the entry changed since `epoch`.
  void refresh(const std::string& table, const std::string& key, uint64_t epoch,
               std::optional<LatestRow> row);
  uint64_t epoch(const std::string& table);

 private:
  struct Entry {
    LatestRow latest;
    bool valid = true;
    uint64_t updated = 0;  // epoch of the last change
  };
  struct TableCache {
    bool complete = false;
    uint64_t epoch = 0;
    bool walking = false;
    bool walk_spoiled = false;                // a delete happened during the walk
    std::map<std::string, Entry> entries;     // complete: every series; else only `pending`
    std::map<std::string, LatestRow> pending; // rows written during a walk
  };
  static void offer(std::map<std::string, LatestRow>& rows, const std::string& key, LatestRow row);

  const size_t capacity_;
  std::mutex mutex_;
  std::map<std::string, TableCache> tables_;  // GUARDED_BY(mutex_)
};

template <typename Wanted>
std::optional<std::vector<std::pair<std::string, LatestRow>>> LatestCache::lookup(
    const std::string& table, Wanted&& wanted, std::vector<std::string>& stale) {
  std::lock_guard lock(mutex_);
  TableCache& cache = tables_[table];
  if (!cache.complete) return std::nullopt;
  std::vector<std::pair<std::string, LatestRow>> rows;
  for (const auto& [key, entry] : cache.entries) {
    if (!wanted(entry.latest.tags)) continue;
    if (!entry.valid) {
      stale.push_back(key);
      continue;
    }
    rows.emplace_back(key, entry.latest);
  }
  return rows;
}

}  // namespace mystocks::tsdb
