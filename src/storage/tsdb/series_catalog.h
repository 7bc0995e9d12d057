// SeriesCatalog: per table and series, the summary the series inventory answers from - rows,
// first and last time, last write, and the days holding rows as a bitmap (one bit per calendar
// day from the series' first day) - kept current by every write and delete, so an inventory of
// thousands of series costs a copy, not a scan.
// A table is tracked from the first inventory request on: TsdbStore builds its summaries once
// from segment indexes (reading rows only for days where layers overlap) and install()s them;
// from then on on_write()/on_delete() update them. Appends in time order (the usual case) stay
// exact; a write at or before a series' last time (out of order, or a duplicate that replaces a
// row) and a delete cutting into a series mark the series stale, and the store recounts stale
// series from their rows before answering (replace()).
// Thread-safety: every method may be called from any thread (one mutex, a leaf: it calls
// nothing). The store calls on_write/on_delete under its write mutex, which also serialises them
// with the build and recount that precede install()/replace().
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "storage/time_series_store.h"
#include "storage/tsdb/batch_validation.h"
#include "storage/tsdb/table_info.h"
#include "storage/tsdb/wal_record.h"

namespace mystocks::tsdb {

class SeriesCatalog {
 public:
  struct Entry {
    std::vector<std::string> tags;
    int64_t rows = 0;
    int64_t first_ts = INT64_MAX;
    int64_t last_ts = INT64_MIN;
    int64_t last_write_ms = 0;
    int32_t base_day = 0;            // the day of bit 0
    std::vector<uint64_t> day_bits;  // bit (day - base_day) set: the day holds rows
    bool stale = false;              // counts unknown until recounted

    // Adds `rows` rows of `day` spanning [min_ts, max_ts] (building and recounting only: the
    // caller knows they are distinct from what the entry holds).
    void add_day(int32_t day, int64_t rows, int64_t min_ts, int64_t max_ts);
    std::vector<int32_t> days() const;
  };
  using Entries = std::map<std::string, Entry>;  // by series key

  bool tracking(const std::string& table) const;
  // Starts tracking `table` with `entries` (a snapshot taken under the store's write mutex).
  void install(const std::string& table, Entries entries);
  // Replaces the entries of `symbol` in `table` with a recount; keeps the newer last write.
  void replace(const std::string& table, const TableInfo& info, const std::string& symbol,
               Entries recounted);

  // REQUIRES: the store's write mutex (log order). No-ops for untracked tables.
  void on_write(const TableInfo& table, const ValidatedBatch& batch, int64_t now_ms);
  void on_delete(const TableInfo& table, const DeleteRequest& request);

  // `symbols` below are sorted (as SeriesFilter holds them); empty = every series.
  // Symbols (of `symbols`) whose series need a recount.
  std::vector<std::string> stale_symbols(const TableInfo& table,
                                         const std::vector<std::string>& symbols) const;
  // The summaries of the series of `symbols`, in series-key order.
  std::vector<storage::SeriesSummary> summaries(const TableInfo& table,
                                                const std::vector<std::string>& symbols) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, Entries> tables_;  // GUARDED_BY(mutex_)
};

}  // namespace mystocks::tsdb
