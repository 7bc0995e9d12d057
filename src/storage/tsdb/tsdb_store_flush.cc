// TsdbStore flush and compaction: flushing frozen memtables to segment files (applying their
// tombstones to older segments), compaction, and the MANIFEST commits both end with. The
// thread that runs them is in tsdb_store_background.cc.
#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "storage/tsdb/batch_validation.h"
#include "storage/tsdb/segment_writer.h"
#include "storage/tsdb/tsdb_store.h"

namespace mystocks::tsdb {
namespace {

// Every value column of a table, in order.
ValueSelection all_values(const TableInfo& table) {
  ValueSelection selection(table.value_indices.size());
  for (size_t index = 0; index < selection.size(); ++index) selection[index] = index;
  return selection;
}

std::vector<SegmentColumn> stored_columns(const TableInfo& table) {
  std::vector<SegmentColumn> columns;
  for (size_t index : table.stored_indices) {
    const Field& field = table.field(index);
    columns.push_back(SegmentColumn{field.name, field.type, field.scale});
  }
  return columns;
}

bool overlaps(int64_t min_ts, int64_t max_ts, storage::TimeRange range) {
  return max_ts >= range.start && min_ts < range.end;
}

// Removes rows whose ts lies in any of `ranges`.
SeriesRows without_ranges(SeriesRows rows, const std::vector<storage::TimeRange>& ranges) {
  std::vector<uint32_t> keep;
  keep.reserve(rows.size());
  for (uint32_t row = 0; row < rows.size(); ++row) {
    const int64_t ts = rows.ts[row];
    const bool hidden = std::any_of(ranges.begin(), ranges.end(), [&](const storage::TimeRange& r) {
      return ts >= r.start && ts < r.end;
    });
    if (!hidden) keep.push_back(row);
  }
  if (keep.size() == rows.size()) return rows;
  SeriesRows out;
  out.ts.reserve(keep.size());
  for (uint32_t row : keep) out.ts.push_back(rows.ts[row]);
  for (const Column& column : rows.columns) {
    Column kept = empty_column_like(column);
    append_column_rows(kept, column, keep);
    out.columns.push_back(std::move(kept));
  }
  return out;
}

}  // namespace

ManifestData TsdbStore::manifest_for(const std::map<std::string, TableVersion>& tables,
                                     uint64_t wal_start) const {
  ManifestData data;
  data.next_file_number = next_file_number_.load();
  data.next_generation = next_generation_;
  data.wal_start = wal_start;
  for (const auto& [name, table] : tables) {
    data.tables.push_back(table.info->schema);
    for (const auto& [day, segments] : table.days) {
      for (const SegmentPtr& segment : segments) data.segments.push_back(segment->meta());
    }
  }
  return data;
}

void TsdbStore::wake_background() {
  {
    std::lock_guard lock(background_mutex_);
    work_pending_ = true;
  }
  background_cv_.notify_one();
}

namespace {

// Writes `series` (key -> rows, key order) as one segment; returns its handle.
// Its path goes to `new_files` first, so a failure can remove what it left.
Result<SegmentPtr> write_segment(const std::filesystem::path& dir, const TableInfo& table,
                                 int32_t day, uint64_t file_number, uint64_t generation,
                                 const CompressionOptions& compression,
                                 const std::vector<std::pair<std::string, SeriesRows>>& series,
                                 std::vector<std::filesystem::path>& new_files) {
  const std::filesystem::path path = segment_path(dir, table.name(), day, file_number);
  MYSTOCKS_RETURN_IF_ERROR(make_directories(path.parent_path()));
  new_files.push_back(path);
  Result<SegmentWriter> writer = SegmentWriter::create(path, table.name(), day, generation,
                                                       stored_columns(table), compression);
  if (!writer.is_ok()) return writer.status();
  for (const auto& [key, rows] : series) MYSTOCKS_RETURN_IF_ERROR(writer->add_series(key, rows));
  Result<SegmentSummary> summary = writer->finish();
  if (!summary.is_ok()) return summary.status();
  SegmentMeta meta{table.name(), day,          file_number,     generation,     summary->file_bytes,
                   summary->rows, summary->series, summary->min_ts, summary->max_ts};
  return std::make_shared<const SegmentHandle>(std::move(meta), path);
}

// fsyncs the directories new segment files were created in (and their parents, which may be new).
Status sync_segment_directories(const std::vector<SegmentPtr>& created) {
  std::set<std::filesystem::path> dirs;
  for (const SegmentPtr& segment : created) {
    const std::filesystem::path day_dir = segment->path().parent_path();
    dirs.insert(day_dir);
    dirs.insert(day_dir.parent_path());
    dirs.insert(day_dir.parent_path().parent_path());
  }
  for (const std::filesystem::path& dir : dirs) MYSTOCKS_RETURN_IF_ERROR(sync_directory(dir));
  return Status::ok();
}

}  // namespace

Result<SegmentPtr> TsdbStore::rewrite_segment(const SegmentPtr& segment, const TableInfo& info,
                                              const std::vector<const Tombstone*>& tombstones) {
  Result<std::shared_ptr<const SegmentReader>> reader = segments_.get(*segment);
  if (!reader.is_ok()) return reader.status();
  const SegmentIndex& index = (*reader)->index();
  // Hidden ranges per series; a series is touched when a tombstone matches it and overlaps it.
  std::vector<std::vector<storage::TimeRange>> hidden(index.series_count());
  bool touched = false;
  for (size_t series = 0; series < index.series_count(); ++series) {
    const std::vector<std::string> tags = split_series_key(index.key(series));
    if (tags.size() != info.tag_indices.size()) continue;
    for (const Tombstone* tombstone : tombstones) {
      if (tombstone_matches(*tombstone, info, tags) &&
          overlaps(index.min_ts[series], index.max_ts[series], tombstone->range)) {
        hidden[series].push_back(tombstone->range);
        touched = true;
      }
    }
  }
  if (!touched) return segment;
  const SegmentMeta& meta = segment->meta();
  const uint64_t file_number = next_file_number();
  const std::filesystem::path path = segment_path(options_.dir, info.name(), meta.day, file_number);
  const std::vector<SegmentColumn> layout = stored_columns(info);
  new_files_.push_back(path);
  Result<SegmentWriter> writer = SegmentWriter::create(path, info.name(), meta.day, meta.generation,
                                                       layout, options_.compression);
  if (!writer.is_ok()) return writer.status();
  const ValueSelection selection = all_values(info);
  std::string raw;
  for (size_t series = 0; series < index.series_count(); ++series) {
    const std::string_view key = index.key(series);
    if (hidden[series].empty() && index.columns == layout) {
      MYSTOCKS_RETURN_IF_ERROR((*reader)->read_raw_chunk(series, raw));
      std::vector<uint32_t> lengths(layout.size());
      for (size_t column = 0; column < layout.size(); ++column) {
        lengths[column] = index.block_length(series, column);
      }
      MYSTOCKS_RETURN_IF_ERROR(writer->add_raw_series(key, index.rows[series], index.min_ts[series],
                                                      index.max_ts[series], lengths, raw));
      continue;
    }
    Result<SeriesRows> rows = (*reader)->read(series, info, selection, {INT64_MIN, INT64_MAX});
    if (!rows.is_ok()) return rows.status();
    MYSTOCKS_RETURN_IF_ERROR(writer->add_series(key, without_ranges(std::move(*rows), hidden[series])));
  }
  const bool empty = writer->series_count() == 0;
  Result<SegmentSummary> summary = writer->finish();
  if (!summary.is_ok()) return summary.status();
  auto handle = std::make_shared<const SegmentHandle>(
      SegmentMeta{info.name(), meta.day, file_number, meta.generation, summary->file_bytes,
                  summary->rows, summary->series, summary->min_ts, summary->max_ts},
      path);
  if (empty) {
    handle->mark_obsolete();  // every row was deleted: the file goes when the handle does
    return SegmentPtr();
  }
  return SegmentPtr(handle);
}

Result<bool> TsdbStore::flush_one() {
  std::lock_guard version_lock(version_mutex_);
  Result<bool> flushed = flush_one_locked();
  discard_new_files_locked(flushed.is_ok());
  return flushed;
}

void TsdbStore::discard_new_files_locked(bool committed) {
  if (!committed) {
    // Files of a flush or compaction that failed (a full disk): no MANIFEST lists them, and
    // leaving them would hold the space a retry needs.
    std::error_code ignored;
    for (const std::filesystem::path& path : new_files_) std::filesystem::remove(path, ignored);
  }
  new_files_.clear();
}

Result<bool> TsdbStore::flush_one_locked() {
  std::shared_ptr<const Memtable> memtable;
  std::map<std::string, TableVersion> tables;
  uint64_t next_wal = 0;
  {
    std::shared_lock lock(state_mutex_);
    if (frozen_.empty()) return false;
    memtable = frozen_.front();
    tables = version_->tables;
    next_wal = frozen_.size() > 1 ? frozen_[1]->wal_number() : active_->wal_number();
  }
  std::vector<SegmentPtr> obsolete;
  std::vector<SegmentPtr> created;
  const uint64_t generation = next_generation_++;
  for (const auto& [name, rows_of_table] : memtable->tables()) {
    auto found = tables.find(name);
    if (found == tables.end()) continue;  // cannot happen: tables are never dropped
    TableVersion& table = found->second;
    const TableInfo& info = *table.info;
    const ValueSelection selection = all_values(info);

    // 1. The memtable's deletes reach older segments: drop or rewrite what they cover.
    if (!rows_of_table.tombstones.empty()) {
      for (auto& [day, segments] : table.days) {
        for (SegmentPtr& segment : segments) {
          const SegmentMeta& meta = segment->meta();
          std::vector<const Tombstone*> hits;
          bool drops_all = false;
          for (const Tombstone& tombstone : rows_of_table.tombstones) {
            if (!overlaps(meta.min_ts, meta.max_ts, tombstone.range)) continue;
            hits.push_back(&tombstone);
            drops_all = drops_all ||
                        (tombstone.covers_every_series() && tombstone.range.start <= meta.min_ts &&
                         tombstone.range.end > meta.max_ts);
          }
          if (hits.empty()) continue;
          if (drops_all) {
            obsolete.push_back(segment);
            segment = nullptr;
            continue;
          }
          Result<SegmentPtr> rewritten = rewrite_segment(segment, info, hits);
          if (!rewritten.is_ok()) return rewritten.status();
          if (*rewritten == segment) continue;  // no series of this segment was touched
          obsolete.push_back(segment);
          segment = *rewritten;
          if (segment != nullptr) created.push_back(segment);
        }
        std::erase(segments, nullptr);
      }
      std::erase_if(table.days, [](const auto& entry) { return entry.second.empty(); });
    }

    // 2. The memtable's rows become one new segment per day.
    std::map<int32_t, std::vector<std::pair<std::string, SeriesRows>>> by_day;
    for (const auto& [key, head] : rows_of_table.series) {
      SeriesRows rows = head->read(selection, {INT64_MIN, INT64_MAX});
      size_t begin = 0;
      while (begin < rows.size()) {
        const int32_t day = day_of(rows.ts[begin]);
        const storage::TimeRange span = day_range(day);
        const size_t end = static_cast<size_t>(
            std::lower_bound(rows.ts.begin() + static_cast<std::ptrdiff_t>(begin), rows.ts.end(),
                             span.end) -
            rows.ts.begin());
        if (begin == 0 && end == rows.size()) {
          by_day[day].emplace_back(key, std::move(rows));
          break;
        }
        by_day[day].emplace_back(key, slice_by_time(rows, span));
        begin = end;
      }
    }
    for (auto& [day, series] : by_day) {
      Result<SegmentPtr> segment = write_segment(options_.dir, info, day, next_file_number(),
                                                 generation, options_.compression, series,
                                                 new_files_);
      if (!segment.is_ok()) return segment.status();
      created.push_back(*segment);
      table.days[day].push_back(*segment);
      sort_by_generation(table.days[day]);
    }
  }
  MYSTOCKS_RETURN_IF_ERROR(sync_segment_directories(created));
  MYSTOCKS_RETURN_IF_ERROR(write_manifest(options_.dir, manifest_for(tables, next_wal)));
  wal_start_ = next_wal;
  {
    std::unique_lock lock(state_mutex_);
    auto version = std::make_shared<Version>();
    version->tables = std::move(tables);
    version_ = std::move(version);
    frozen_.pop_front();
  }
  state_cv_.notify_all();
  for (const SegmentPtr& segment : obsolete) {
    segment->mark_obsolete();
    segments_.erase(segment->meta().file_number);
    forget_damage(segment->meta().file_number);
  }
  std::error_code ignored;
  for (const auto& entry : std::filesystem::directory_iterator(options_.dir / "wal", ignored)) {
    const uint64_t number = parse_wal_file_name(entry.path().filename().string());
    if (number != 0 && number < next_wal) std::filesystem::remove(entry.path(), ignored);
  }
  if (flushes_ != nullptr) flushes_->inc();
  return true;
}

Result<bool> TsdbStore::compact_one(bool all) {
  std::lock_guard version_lock(version_mutex_);
  Result<bool> compacted = compact_one_locked(all);
  discard_new_files_locked(compacted.is_ok());
  return compacted;
}

Result<bool> TsdbStore::compact_one_locked(bool all) {
  std::map<std::string, TableVersion> tables;
  {
    std::shared_lock lock(state_mutex_);
    tables = version_->tables;
  }
  const auto trigger = static_cast<size_t>(options_.compaction_trigger);
  for (auto& [name, table] : tables) {
    for (auto& [day, segments] : table.days) {
      if (segments.size() < 2) continue;
      // Newest first, take a run of segments each no bigger than twice the run so far.
      size_t first = segments.size() - 1;
      uint64_t run_bytes = segments.back()->meta().file_bytes;
      while (first > 0 && segments[first - 1]->meta().file_bytes <= 2 * run_bytes) {
        --first;
        run_bytes += segments[first]->meta().file_bytes;
      }
      if (all || segments.size() >= 2 * trigger) first = 0;
      if (segments.size() - first < (all ? 2 : trigger)) continue;
      // A damaged input would fail every attempt (and the store with it): leave the day as it
      // is; readiness names the file, and queries of the day fail with DATA_LOSS.
      if (std::any_of(segments.begin() + static_cast<std::ptrdiff_t>(first), segments.end(),
                      [&](const SegmentPtr& segment) { return is_damaged(segment->meta().file_number); })) {
        continue;
      }

      const TableInfo& info = *table.info;
      const ValueSelection selection = all_values(info);
      std::vector<std::shared_ptr<const SegmentReader>> readers;
      std::set<std::string> keys;
      for (size_t index = first; index < segments.size(); ++index) {
        Result<std::shared_ptr<const SegmentReader>> reader = segments_.get(*segments[index]);
        if (!reader.is_ok()) {
          if (reader.status().code() == ErrorCode::kDataLoss) note_damage(*segments[index], reader.status());
          return reader.status();
        }
        for (size_t series = 0; series < (*reader)->index().series_count(); ++series) {
          keys.emplace((*reader)->index().key(series));
        }
        readers.push_back(*reader);
      }
      const uint64_t file_number = next_file_number();
      const uint64_t generation = segments.back()->meta().generation;
      const std::filesystem::path path = segment_path(options_.dir, name, day, file_number);
      new_files_.push_back(path);
      Result<SegmentWriter> writer = SegmentWriter::create(path, name, day, generation,
                                                           stored_columns(info), options_.compression);
      if (!writer.is_ok()) return writer.status();
      const std::vector<SegmentColumn> layout = stored_columns(info);
      std::string raw;
      for (const std::string& key : keys) {
        std::vector<MergeSource> sources;
        size_t holder = SIZE_MAX;
        size_t holders = 0;
        for (size_t input = 0; input < readers.size(); ++input) {
          if (readers[input]->index().find(key) != SIZE_MAX) {
            holder = input;
            ++holders;
          }
        }
        const SegmentIndex& only = readers[holder]->index();
        if (holders == 1 && only.columns == layout) {
          // Present in one input with the current layout: copy the chunk as it is.
          const size_t series = only.find(key);
          // Checksums are verified on the way: a damaged chunk fails the compaction (and marks
          // its segment damaged) instead of reappearing under a fresh checksum.
          if (Status copied = readers[holder]->read_raw_chunk(series, raw); !copied.is_ok()) {
            if (copied.code() == ErrorCode::kDataLoss)
              note_damage(*segments[first + holder], copied);
            return copied;
          }
          std::vector<uint32_t> lengths(layout.size());
          for (size_t column = 0; column < layout.size(); ++column) {
            lengths[column] = only.block_length(series, column);
          }
          MYSTOCKS_RETURN_IF_ERROR(writer->add_raw_series(key, only.rows[series], only.min_ts[series],
                                                          only.max_ts[series], lengths, raw));
          continue;
        }
        for (size_t input = 0; input < readers.size(); ++input) {
          const std::shared_ptr<const SegmentReader>& reader = readers[input];
          const size_t series = reader->index().find(key);
          if (series == SIZE_MAX) continue;
          Result<SeriesRows> rows = reader->read(series, info, selection, {INT64_MIN, INT64_MAX});
          if (!rows.is_ok()) {
            if (rows.status().code() == ErrorCode::kDataLoss) {
              note_damage(*segments[first + input], rows.status());
            }
            return rows.status();
          }
          sources.push_back(MergeSource{std::move(*rows), {}});
        }
        MYSTOCKS_RETURN_IF_ERROR(
            writer->add_series(key, merge_sources(std::move(sources), info, selection)));
      }
      Result<SegmentSummary> summary = writer->finish();
      if (!summary.is_ok()) return summary.status();
      auto output = std::make_shared<const SegmentHandle>(
          SegmentMeta{name, day, file_number, generation, summary->file_bytes, summary->rows,
                      summary->series, summary->min_ts, summary->max_ts},
          path);
      MYSTOCKS_RETURN_IF_ERROR(sync_segment_directories({output}));
      std::vector<SegmentPtr> inputs(segments.begin() + static_cast<std::ptrdiff_t>(first),
                                     segments.end());
      segments.erase(segments.begin() + static_cast<std::ptrdiff_t>(first), segments.end());
      segments.push_back(output);
      MYSTOCKS_RETURN_IF_ERROR(write_manifest(options_.dir, manifest_for(tables, wal_start_)));
      {
        std::unique_lock lock(state_mutex_);
        auto version = std::make_shared<Version>();
        version->tables = std::move(tables);
        version_ = std::move(version);
      }
      for (const SegmentPtr& input : inputs) {
        input->mark_obsolete();
        segments_.erase(input->meta().file_number);
        forget_damage(input->meta().file_number);
      }
      if (compactions_ != nullptr) compactions_->inc();
      return true;
    }
  }
  return false;
}

Status TsdbStore::wait_until_flushed() {
  if (!background_.joinable()) {
    while (true) {
      Result<bool> flushed = flush_one();
      if (!flushed.is_ok()) return flushed.status();
      if (!*flushed) return Status::ok();
    }
  }
  wake_background();
  std::unique_lock lock(state_mutex_);
  state_cv_.wait(lock, [&] { return frozen_.empty() || !background_error_.is_ok(); });
  return background_error_;
}

Status TsdbStore::flush() {
  MYSTOCKS_RETURN_IF_ERROR(writable());
  {
    std::lock_guard write_lock(write_mutex_);
    MYSTOCKS_RETURN_IF_ERROR(switch_memtable_locked());
  }
  return wait_until_flushed();
}

Status TsdbStore::compact() {
  MYSTOCKS_RETURN_IF_ERROR(flush());
  while (true) {
    Result<bool> compacted = compact_one(true);
    if (!compacted.is_ok()) return compacted.status();
    if (!*compacted) return Status::ok();
  }
}

}  // namespace mystocks::tsdb
