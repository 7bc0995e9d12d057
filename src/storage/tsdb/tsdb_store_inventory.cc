// TsdbStore::summarize_series: the series inventory from the SeriesCatalog. The first request
// for a table builds its summaries - from segment indexes (rows and time bounds per series and
// day, no block read) wherever one segment alone holds a day, from rows only where layers overlap
// (several segments of a day before compaction, memtable rows, tombstones) - and from then on
// writes and deletes keep them current. Stale series (out-of-order or replacing writes, partial
// deletes) are recounted from their rows before the answer.
#include <sys/stat.h>

#include <set>

#include "storage/tsdb/tsdb_store.h"

namespace mystocks::tsdb {
namespace {

// The file's modification time (when the flush or compaction wrote it), epoch ms; 0 if unknown.
int64_t file_written_ms(const std::filesystem::path& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return 0;
  return int64_t{info.st_mtim.tv_sec} * 1000 + info.st_mtim.tv_nsec / 1'000'000;
}

}  // namespace

Result<SeriesCatalog::Entries> TsdbStore::count_series(const std::shared_ptr<const TableInfo>& table,
                                                       const SeriesFilter& filter,
                                                       bool from_indexes) {
  const storage::TimeRange everything{INT64_MIN, INT64_MAX};
  const ReadView view = read_view(table, {}, filter, everything);
  SeriesCatalog::Entries entries;
  // Days whose rows must be merged: memtable rows may repeat or hide segment rows.
  std::set<int32_t> merge_days;
  int64_t memtable_written_ms = 0;
  bool tombstones = !view.active_tombstones.empty();
  for (const auto& memtable : view.frozen) {
    const TableMemtable* held = memtable->table(table->name());
    if (held == nullptr) continue;
    tombstones |= !held->tombstones.empty();
    memtable_written_ms = std::max(memtable_written_ms, memtable->created_ms());
    for (const auto& [key, head] : held->series) {
      for (int32_t day = day_of(head->min_ts()); day <= day_of(head->max_ts()); ++day) {
        merge_days.insert(day);
      }
    }
  }
  for (const auto& [key, active] : view.active) {
    for (int64_t ts : active.rows.ts) merge_days.insert(day_of(ts));
  }
  if (!view.active.empty()) memtable_written_ms = options_.clock->now_ms();

  if (const TableVersion* version = view.version->table(table->name())) {
    for (const auto& [day, segments] : version->days) {
      if (!from_indexes || tombstones || segments.size() != 1 || merge_days.contains(day)) {
        merge_days.insert(day);
        continue;
      }
      Result<std::shared_ptr<const SegmentReader>> reader = segments_.get(*segments.front());
      if (!reader.is_ok()) return reader.status();
      const SegmentIndex& index = (*reader)->index();
      const int64_t written_ms = file_written_ms(segments.front()->path());
      for (size_t series = 0; series < index.series_count(); ++series) {
        std::vector<std::string> tags = split_series_key(index.key(series));
        if (!filter.matches(*table, tags)) continue;
        SeriesCatalog::Entry& entry = entries[std::string(index.key(series))];
        if (entry.tags.empty()) entry.tags = std::move(tags);
        entry.add_day(day, index.rows[series], index.min_ts[series], index.max_ts[series]);
        entry.last_write_ms = std::max(entry.last_write_ms, written_ms);
      }
    }
  }
  for (int32_t day : merge_days) {
    TableReader reader(view, segments_, {}, filter, day_range(day));
    MYSTOCKS_RETURN_IF_ERROR(reader.prepare());
    for (size_t series = 0; series < reader.series_count(); ++series) {
      SeriesCatalog::Entry* entry = nullptr;
      MYSTOCKS_RETURN_IF_ERROR(reader.visit_days(series, false, [&](int32_t, SeriesRows&& rows) {
        if (rows.empty()) return true;
        if (entry == nullptr) {
          entry = &entries[reader.key(series)];
          if (entry->tags.empty()) entry->tags = reader.tags(series);
        }
        entry->add_day(day, static_cast<int64_t>(rows.size()), rows.ts.front(), rows.ts.back());
        entry->last_write_ms = std::max(entry->last_write_ms, memtable_written_ms);
        return true;
      }));
    }
  }
  return entries;
}

Result<std::vector<storage::SeriesSummary>> TsdbStore::summarize_series(
    const std::string& table_name, const std::vector<std::string>& symbols) {
  Result<std::shared_ptr<const TableInfo>> table = require_table(table_name);
  if (!table.is_ok()) return table.status();
  Result<SeriesFilter> filter = make_filter(**table, symbols, {});
  if (!filter.is_ok()) return filter.status();
  // Under the write mutex no write lands between a count and the catalog taking it over.
  std::lock_guard write_lock(write_mutex_);
  if (!series_catalog_.tracking(table_name)) {
    Result<SeriesCatalog::Entries> built = count_series(*table, SeriesFilter{}, true);
    if (!built.is_ok()) return built.status().with_context("summarising " + table_name);
    series_catalog_.install(table_name, std::move(*built));
  }
  for (const std::string& symbol : series_catalog_.stale_symbols(**table, filter->symbols)) {
    Result<SeriesCatalog::Entries> recounted =
        count_series(*table, SeriesFilter{.symbols = {symbol}}, false);
    if (!recounted.is_ok()) return recounted.status().with_context("recounting " + symbol);
    series_catalog_.replace(table_name, **table, symbol, std::move(*recounted));
  }
  return series_catalog_.summaries(**table, filter->symbols);
}

}  // namespace mystocks::tsdb
