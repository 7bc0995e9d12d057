// TableReader: how every query reads one table. A ReadView (taken by the store atomically under
// its shared lock) holds the Version's segments, the frozen memtables and a copy of the active
// memtable's matching rows; TableReader lists the series matching a filter and yields each
// series' visible rows day by day — sources merged by precedence, tombstones applied — in
// ascending or descending day order, so a query can stop early (limit, latest).
// Thread-safety: one TableReader per query thread; the ReadView it reads is immutable.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "storage/time_series_store.h"
#include "storage/tsdb/memtable.h"
#include "storage/tsdb/segment_cache.h"
#include "storage/tsdb/series_rows.h"
#include "storage/tsdb/version.h"

namespace mystocks::tsdb {

struct SeriesFilter {
  std::vector<std::string> symbols;                         // sorted; empty = every series
  std::vector<std::pair<size_t, std::string>> tag_equals;   // (tag position, value)

  bool matches(const TableInfo& table, const std::vector<std::string>& tags) const;
};

struct ActiveSeries {
  std::vector<std::string> tags;
  SeriesRows rows;  // visible rows in the query range, selected columns
};

struct ReadView {
  std::shared_ptr<const TableInfo> table;
  std::shared_ptr<const Version> version;
  std::vector<std::shared_ptr<const Memtable>> frozen;  // oldest first
  std::map<std::string, ActiveSeries> active;            // matching series of the active memtable
  std::vector<Tombstone> active_tombstones;
};

// The Asia/Shanghai date of `ts` (days since the epoch) and the instants a date spans.
int32_t day_of(int64_t ts);
storage::TimeRange day_range(int32_t day);

class TableReader {
 public:
  TableReader(const ReadView& view, SegmentCache& cache, ValueSelection selection,
              SeriesFilter filter, storage::TimeRange range);

  // Opens the segments of the days in range and lists the matching series.
  Status prepare();

  size_t series_count() const { return series_.size(); }
  const std::string& key(size_t series) const { return series_[series].key; }
  const std::vector<std::string>& tags(size_t series) const { return series_[series].tags; }

  // Calls visit(day, rows) for each day holding visible rows of `series`, in ascending (or
  // descending) day order, until visit returns false.
  using DayVisitor = std::function<bool(int32_t day, SeriesRows&& rows)>;
  Status visit_days(size_t series, bool descending, const DayVisitor& visit) const;

  const ValueSelection& selection() const { return selection_; }
  const TableInfo& table() const { return *view_.table; }

 private:
  struct SegmentSource {
    int32_t day;
    uint64_t generation;
    std::shared_ptr<const SegmentReader> reader;
    size_t position;  // the series in reader->index()
  };
  struct SeriesEntry {
    std::string key;
    std::vector<std::string> tags;
    std::vector<SegmentSource> segments;  // by (day, generation)
  };
  SeriesEntry& entry_for(const std::string& key, std::vector<std::string> tags);
  // Ranges of the series with `tags` hidden by tombstones of memtables from `first_frozen` on.
  std::vector<storage::TimeRange> hidden_ranges(const std::vector<std::string>& tags,
                                                size_t first_frozen) const;

  const ReadView& view_;
  SegmentCache& cache_;
  ValueSelection selection_;
  SeriesFilter filter_;
  storage::TimeRange range_;
  std::vector<SeriesEntry> series_;
  std::map<std::string, size_t> position_of_;
};

}  // namespace mystocks::tsdb
