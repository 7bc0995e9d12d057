// Memtable: rows not yet in segment files, per table and per series ("heads"), in append order,
// plus the tombstones of deletes applied since it was created. Reads sort and de-duplicate a head
// on the fly (stable by ts, last write wins); an ordered head (the usual case) needs no sort.
// A delete removes matching rows from this memtable at once; its tombstone then hides the older
// layers (frozen memtables and segments) until this memtable is flushed.
// Thread-safety: not synchronised. The store mutates the active memtable under its exclusive
// memtable lock and reads it under the shared lock; a frozen memtable is immutable and may be
// read from any thread without a lock.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "storage/time_series_store.h"
#include "storage/tsdb/batch_validation.h"
#include "storage/tsdb/column_pool.h"
#include "storage/tsdb/series_rows.h"
#include "storage/tsdb/table_info.h"
#include "storage/tsdb/wal_record.h"

namespace mystocks::tsdb {

// A delete recorded in a memtable: hides rows of matching series in `range` in older layers.
struct Tombstone {
  std::vector<std::string> symbols;  // sorted; empty = every series
  storage::TimeRange range;
  std::vector<std::pair<size_t, std::string>> tag_equals;  // as DeleteRequest; empty = any

  static Tombstone of(const DeleteRequest& request);  // sorts and de-duplicates the symbols
  // Whether the tombstone may hide rows of every series (no symbol and no tag restriction).
  bool covers_every_series() const { return symbols.empty() && tag_equals.empty(); }
};

// The value tags match a symbol set against: the `symbol` tag, else the first tag.
const std::string& series_symbol(const TableInfo& table, const std::vector<std::string>& tags);
// Whether the tombstone selects the series with `tags` (table tag order), by symbol and tags.
bool tombstone_matches(const Tombstone& tombstone, const TableInfo& table,
                       const std::vector<std::string>& tags);

class SeriesHead {
 public:
  // `pool` (may be null) supplies recycled column storage and gets it back on destruction.
  SeriesHead(const TableInfo& table, std::vector<std::string> tags, ColumnPool* pool,
             size_t expected_rows);
  ~SeriesHead();
  SeriesHead(const SeriesHead&) = delete;
  SeriesHead& operator=(const SeriesHead&) = delete;

  const std::vector<std::string>& tags() const { return tags_; }
  size_t rows() const { return ts_.size(); }
  int64_t min_ts() const { return min_ts_; }
  int64_t max_ts() const { return max_ts_; }

  // Appends the group's rows of a validated batch (of this head's table).
  void append(const ValidatedBatch& batch, const SeriesGroup& group);
  // Removes every row (all versions) with ts in `range`; returns how many were removed.
  size_t erase(storage::TimeRange range);
  // Visible rows (sorted, one per ts, last write wins) with ts in `range`, selected columns.
  SeriesRows read(const ValueSelection& selection, storage::TimeRange range) const;

 private:
  // Row positions, sorted by ts, keeping the last appended row of each ts.
  std::vector<uint32_t> visible_order() const;
  void recompute_bounds();
  // Makes room for `rows` more rows, taking bigger storage from the pool when needed.
  void reserve_more(size_t rows);

  const TableInfo* table_;
  ColumnPool* pool_;
  std::vector<std::string> tags_;
  std::vector<int64_t> ts_;
  std::vector<Column> columns_;  // per TableInfo::value_indices
  bool ordered_ = true;          // ts_ strictly increasing in append order
  int64_t min_ts_ = INT64_MAX;
  int64_t max_ts_ = INT64_MIN;
};

struct TableMemtable {
  std::shared_ptr<const TableInfo> table;
  std::map<std::string, std::unique_ptr<SeriesHead>> series;  // by series key (tag order)
  std::vector<Tombstone> tombstones;                          // in the order they were applied
};

class Memtable {
 public:
  Memtable(uint64_t wal_number, int64_t created_ms, std::shared_ptr<ColumnPool> pool = nullptr)
      : wal_number_(wal_number), created_ms_(created_ms), pool_(std::move(pool)) {}

  // The WAL file holding exactly this memtable's records.
  uint64_t wal_number() const { return wal_number_; }
  int64_t created_ms() const { return created_ms_; }
  size_t bytes() const { return bytes_; }
  bool empty() const { return tables_.empty(); }
  uint64_t rows() const { return rows_; }

  void apply_write(std::shared_ptr<const TableInfo> table, const ValidatedBatch& batch);
  void apply_delete(std::shared_ptr<const TableInfo> table, const DeleteRequest& request);

  // nullptr when nothing of `name` is here.
  const TableMemtable* table(const std::string& name) const;
  const std::map<std::string, TableMemtable>& tables() const { return tables_; }

 private:
  TableMemtable& table_for(std::shared_ptr<const TableInfo> table);

  uint64_t wal_number_;
  int64_t created_ms_;
  std::shared_ptr<ColumnPool> pool_;  // outlives the heads (declared before tables_)
  size_t bytes_ = 0;
  uint64_t rows_ = 0;
  std::map<std::string, TableMemtable> tables_;
};

}  // namespace mystocks::tsdb
