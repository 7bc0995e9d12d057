// TsdbStore write path: validate, encode, append to the WAL and apply to the memtable in log
// order under the write mutex, then wait for durability; deletes, atomic range replaces and
// retention; memtable switching and back-pressure.
#include <algorithm>
#include <chrono>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "storage/tsdb/tsdb_store.h"

namespace mystocks::tsdb {
namespace {

// Tells the WAL's group commit that a writer is on its way to append, until it has appended or
// given up, so the syncer can wait for it (within the window) and cover both with one fsync.
class ArrivalScope {
 public:
  explicit ArrivalScope(Wal* wal) : wal_(wal) {
    if (wal_ != nullptr) wal_->writer_arriving();
  }
  ~ArrivalScope() { done(); }
  ArrivalScope(const ArrivalScope&) = delete;
  ArrivalScope& operator=(const ArrivalScope&) = delete;
  void done() {
    if (wal_ != nullptr) wal_->writer_arrived();
    wal_ = nullptr;
  }

 private:
  Wal* wal_;
};

}  // namespace

Status TsdbStore::apply_write_locked(const std::shared_ptr<const TableInfo>& table,
                                     const ValidatedBatch& batch) {
  std::unique_lock lock(state_mutex_);
  active_->apply_write(table, batch);
  latest_cache_.on_write(*table, batch);
  series_catalog_.on_write(*table, batch, options_.clock->now_ms());
  return Status::ok();
}

Status TsdbStore::apply_delete_locked(const std::shared_ptr<const TableInfo>& table,
                                      const DeleteRequest& request) {
  std::unique_lock lock(state_mutex_);
  active_->apply_delete(table, request);
  latest_cache_.on_delete(*table, request);
  series_catalog_.on_delete(*table, request);
  return Status::ok();
}

Status TsdbStore::apply_replace_locked(const std::shared_ptr<const TableInfo>& table,
                                       const DeleteRequest& request, const ValidatedBatch& batch) {
  // One exclusive section for both halves: a reader snapshots either before it (old rows) or
  // after it (new rows), never in between.
  std::unique_lock lock(state_mutex_);
  active_->apply_delete(table, request);
  latest_cache_.on_delete(*table, request);
  active_->apply_write(table, batch);
  latest_cache_.on_write(*table, batch);
  return Status::ok();
}

namespace {

// DATA_LOSS when a replayed delete names a tag position `table` does not have.
Status check_tag_positions(const TableInfo& table, const DeleteRequest& request) {
  for (const auto& [position, value] : request.tag_equals) {
    if (position >= table.tag_indices.size()) {
      return error(ErrorCode::kDataLoss,
                   "a tagged delete record names tag #{} of table '{}', which has {} tag(s)",
                   position, table.name(), table.tag_indices.size());
    }
  }
  return Status::ok();
}

}  // namespace

Status TsdbStore::apply_record(WalRecordType type, std::string_view payload, uint64_t* rows) {
  if (type == WalRecordType::kReplace || type == WalRecordType::kReplaceTagged) {
    Result<DecodedReplace> decoded =
        decode_replace_record(payload, type == WalRecordType::kReplaceTagged);
    if (!decoded.is_ok()) return decoded.status();
    std::shared_ptr<const TableInfo> table = find_table(decoded->erase.table);
    if (table == nullptr) {
      return error(ErrorCode::kDataLoss,
                   "a replace record names table '{}', which the MANIFEST "
                   "does not declare",
                   decoded->erase.table);
    }
    Result<ValidatedBatch> batch = validate_batch(*table, decoded->write.batch);
    if (!batch.is_ok()) {
      return error(ErrorCode::kDataLoss, "a replace record no longer fits table '{}': {}",
                   decoded->erase.table, batch.status().message());
    }
    MYSTOCKS_RETURN_IF_ERROR(check_tag_positions(*table, decoded->erase));
    *rows += batch->rows;
    return apply_replace_locked(table, decoded->erase, *batch);
  }
  if (type == WalRecordType::kWrite) {
    Result<DecodedWrite> decoded = decode_write_record(payload);
    if (!decoded.is_ok()) return decoded.status();
    std::shared_ptr<const TableInfo> table = find_table(decoded->table);
    if (table == nullptr) {
      return error(ErrorCode::kDataLoss, "a write record names table '{}', which the MANIFEST "
                   "does not declare", decoded->table);
    }
    Result<ValidatedBatch> batch = validate_batch(*table, decoded->batch);
    if (!batch.is_ok()) {
      return error(ErrorCode::kDataLoss, "a write record no longer fits table '{}': {}",
                   decoded->table, batch.status().message());
    }
    *rows += batch->rows;
    return apply_write_locked(table, *batch);
  }
  Result<DeleteRequest> request =
      decode_delete_record(payload, type == WalRecordType::kDeleteTagged);
  if (!request.is_ok()) return request.status();
  std::shared_ptr<const TableInfo> table = find_table(request->table);
  if (table == nullptr) {
    return error(ErrorCode::kDataLoss, "a delete record names table '{}', which the MANIFEST "
                 "does not declare", request->table);
  }
  MYSTOCKS_RETURN_IF_ERROR(check_tag_positions(*table, *request));
  return apply_delete_locked(table, *request);
}

Status TsdbStore::wait_for_room_locked() {
  std::unique_lock lock(state_mutex_);
  bool stalled = false;
  while (static_cast<int64_t>(frozen_.size()) >= options_.max_frozen_memtables) {
    if (!background_error_.is_ok()) return background_error_;
    if (!stalled && write_stalls_ != nullptr) write_stalls_->inc();
    stalled = true;
    if (!background_.joinable()) {
      // No background thread (tests, tools): the writer flushes itself.
      lock.unlock();
      Result<bool> flushed = flush_one();
      if (!flushed.is_ok()) return flushed.status();
      lock.lock();
      continue;
    }
    wake_background();
    state_cv_.wait(lock);
  }
  return Status::ok();
}

Status TsdbStore::switch_memtable_locked() {
  {
    std::shared_lock lock(state_mutex_);
    if (active_->empty()) return Status::ok();
  }
  MYSTOCKS_RETURN_IF_ERROR(wait_for_room_locked());
  const uint64_t number = next_file_number();
  MYSTOCKS_RETURN_IF_ERROR(wal_->start_file(number));
  {
    std::unique_lock lock(state_mutex_);
    frozen_.push_back(active_);
    active_ = std::make_shared<Memtable>(number, options_.clock->now_ms(), column_pool_);
  }
  wake_background();
  return Status::ok();
}

Status TsdbStore::write(const std::string& table_name, const RecordBatch& batch) {
  const auto started = std::chrono::steady_clock::now();
  ArrivalScope arrival(wal_.get());
  MYSTOCKS_RETURN_IF_ERROR(writable());
  Result<std::shared_ptr<const TableInfo>> table = require_table(table_name);
  if (!table.is_ok()) return table.status();
  Result<ValidatedBatch> validated = validate_batch(**table, batch);
  if (!validated.is_ok()) return validated.status();
  if (validated->rows == 0) return Status::ok();
  std::string payload;
  encode_write_record(*validated, payload);

  uint64_t position = 0;
  {
    std::unique_lock write_lock(write_mutex_);
    // create_table may have changed the table between validation and here: validate again
    // against the new one, without the write mutex (write() takes it again).
    std::shared_ptr<const TableInfo> current = find_table(table_name);
    if (current != *table) {
      arrival.done();
      write_lock.unlock();
      return write(table_name, batch);
    }
    MYSTOCKS_RETURN_IF_ERROR(wait_for_room_locked());
    Result<uint64_t> appended = wal_->append(WalRecordType::kWrite, payload);
    arrival.done();
    if (!appended.is_ok()) return appended.status();
    position = *appended;
    MYSTOCKS_RETURN_IF_ERROR(apply_write_locked(current, *validated));
    bool full = false;
    {
      std::shared_lock lock(state_mutex_);
      full = active_->bytes() >= static_cast<size_t>(options_.memtable_freeze_bytes());
    }
    if (full) MYSTOCKS_RETURN_IF_ERROR(switch_memtable_locked());
  }
  Status durable = wal_->wait_durable(position);
  if (rows_written_ != nullptr && durable.is_ok()) {
    rows_written_->inc(static_cast<double>(validated->rows));
    batches_written_->inc();
    write_seconds_->observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  }
  return durable;
}

Status TsdbStore::log_and_apply_delete(const DeleteRequest& request,
                                       const std::shared_ptr<const TableInfo>& table) {
  std::string payload;
  encode_delete_record(request, payload);
  uint64_t position = 0;
  {
    // REQUIRES: write_mutex_ held by the caller.
    MYSTOCKS_RETURN_IF_ERROR(wait_for_room_locked());
    Result<uint64_t> appended = wal_->append(delete_record_type(request), payload);
    if (!appended.is_ok()) return appended.status();
    position = *appended;
    MYSTOCKS_RETURN_IF_ERROR(apply_delete_locked(table, request));
  }
  return wal_->wait_durable(position);
}

Result<int64_t> TsdbStore::count_visible_locked(const std::shared_ptr<const TableInfo>& table,
                                                const SeriesFilter& filter,
                                                storage::TimeRange range) {
  const ReadView view = read_view(table, {}, filter, range);
  TableReader reader(view, segments_, {}, filter, range);
  MYSTOCKS_RETURN_IF_ERROR(reader.prepare());
  int64_t visible = 0;
  for (size_t series = 0; series < reader.series_count(); ++series) {
    MYSTOCKS_RETURN_IF_ERROR(reader.visit_days(series, false, [&](int32_t, SeriesRows&& rows) {
      visible += static_cast<int64_t>(rows.size());
      return true;
    }));
  }
  return visible;
}

Result<int64_t> TsdbStore::delete_range(const std::string& table_name,
                                        const std::vector<std::string>& symbols,
                                        const std::map<std::string, std::string>& tag_equals,
                                        storage::TimeRange range) {
  MYSTOCKS_RETURN_IF_ERROR(writable());
  Result<std::shared_ptr<const TableInfo>> table = require_table(table_name);
  if (!table.is_ok()) return table.status();
  Result<SeriesFilter> filter = make_filter(**table, symbols, tag_equals);
  if (!filter.is_ok()) return filter.status();
  if (range.start >= range.end) return int64_t{0};
  DeleteRequest request{table_name, filter->symbols, range, filter->tag_equals};

  std::lock_guard write_lock(write_mutex_);
  // Count what is visible now; no write can slip in while the write mutex is held.
  Result<int64_t> removed = count_visible_locked(*table, *filter, range);
  if (!removed.is_ok() || *removed == 0) return removed;
  MYSTOCKS_RETURN_IF_ERROR(log_and_apply_delete(request, *table));
  return removed;
}

namespace {

// kInvalidArgument naming the first row of `batch` outside `filter` x `range`: a replace
// writes only inside what it deletes, so "replace" can never grow the data beyond its range.
Status check_rows_in_scope(const TableInfo& table, const ValidatedBatch& batch,
                           const SeriesFilter& filter, storage::TimeRange range) {
  const std::vector<int64_t>& times = batch.columns[table.time_index]->as<int64_t>();
  std::string tag_scope;
  for (const auto& [position, value] : filter.tag_equals) {
    tag_scope +=
        fmt::format(" with {} = '{}'", table.field(table.tag_indices[position]).name, value);
  }
  for (const SeriesGroup& group : batch.groups) {
    const bool series_in = filter.matches(table, group.tags);
    for (const auto& [begin, end] : group.runs) {
      for (uint32_t row = begin; row < end; ++row) {
        if (series_in && times[row] >= range.start && times[row] < range.end) continue;
        return field_error(
            ErrorCode::kInvalidArgument, fmt::format("rows[{}]", row),
            "table '{}': row {} ({} at {}) lies outside the replaced range "
            "[{}, {}) of {}{}: a replace writes only what it deletes",
            table.name(), row, fmt::join(group.tags, "/"), times[row], range.start, range.end,
            filter.symbols.empty() ? std::string("every symbol")
                                   : fmt::format("{}", fmt::join(filter.symbols, ",")),
            tag_scope);
      }
    }
  }
  return Status::ok();
}

}  // namespace

// Why a crash cannot lose the old rows without the new ones: the tombstone and the new batch
// travel in ONE kReplace (kReplaceTagged) WAL record under one checksum. Recovery replays a record
// whole or drops it whole as a torn tail (and only an unacknowledged record can be torn), so after
// a crash the range holds either the old rows (record not durable: nothing of it is replayed) or
// the new ones (record durable: replay deletes, then writes). In memory both halves are applied
// under one exclusive memtable lock, so readers never see the gap either. Flushing keeps the
// order: the memtable's tombstone rewrites older segments, its own rows (written after the
// tombstone) are not covered by it.
Result<int64_t> TsdbStore::replace_range(const std::string& table_name,
                                         const std::vector<std::string>& symbols,
                                         const std::map<std::string, std::string>& tag_equals,
                                         storage::TimeRange range, const RecordBatch& batch) {
  const auto started = std::chrono::steady_clock::now();
  ArrivalScope arrival(wal_.get());
  MYSTOCKS_RETURN_IF_ERROR(writable());
  Result<std::shared_ptr<const TableInfo>> table = require_table(table_name);
  if (!table.is_ok()) return table.status();
  if (range.start >= range.end) {
    return field_error(ErrorCode::kInvalidArgument, "range",
                       "replace range [{}, {}) of table '{}' is empty: expected start < end",
                       range.start, range.end, table_name);
  }
  Result<SeriesFilter> filter = make_filter(**table, symbols, tag_equals);
  if (!filter.is_ok()) return filter.status();
  Result<ValidatedBatch> validated = validate_batch(**table, batch);
  if (!validated.is_ok()) return validated.status();
  MYSTOCKS_RETURN_IF_ERROR(check_rows_in_scope(**table, *validated, *filter, range));
  const DeleteRequest request{table_name, filter->symbols, range, filter->tag_equals};
  std::string payload;
  const bool writes = validated->rows > 0;
  if (writes) {
    encode_replace_record(request, *validated, payload);
  } else {
    encode_delete_record(request, payload);  // the source has nothing left in the range
  }

  uint64_t position = 0;
  int64_t removed = 0;
  {
    std::lock_guard write_lock(write_mutex_);
    if (find_table(table_name) != *table) {
      return error(ErrorCode::kAborted,
                   "table '{}' was re-created while replacing a range: retry the replace",
                   table_name);
    }
    Result<int64_t> visible = count_visible_locked(*table, *filter, range);
    if (!visible.is_ok()) return visible.status();
    removed = *visible;
    if (!writes && removed == 0) return int64_t{0};
    MYSTOCKS_RETURN_IF_ERROR(wait_for_room_locked());
    Result<uint64_t> appended =
        wal_->append(writes ? replace_record_type(request) : delete_record_type(request), payload);
    arrival.done();
    if (!appended.is_ok()) return appended.status();
    position = *appended;
    MYSTOCKS_RETURN_IF_ERROR(writes ? apply_replace_locked(*table, request, *validated)
                                    : apply_delete_locked(*table, request));
    bool full = false;
    {
      std::shared_lock lock(state_mutex_);
      full = active_->bytes() >= static_cast<size_t>(options_.memtable_freeze_bytes());
    }
    if (full) MYSTOCKS_RETURN_IF_ERROR(switch_memtable_locked());
  }
  MYSTOCKS_RETURN_IF_ERROR(wal_->wait_durable(position));
  if (rows_written_ != nullptr && writes) {
    rows_written_->inc(static_cast<double>(validated->rows));
    batches_written_->inc();
    write_seconds_->observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  }
  return removed;
}

bool TsdbStore::has_rows_before(const std::string& table, int64_t cutoff) const {
  std::shared_lock lock(state_mutex_);
  if (const TableVersion* version = version_->table(table)) {
    for (const auto& [day, segments] : version->days) {
      for (const SegmentPtr& segment : segments) {
        if (segment->meta().min_ts < cutoff) return true;
      }
    }
  }
  auto memtable_has = [&](const Memtable& memtable) {
    const TableMemtable* entry = memtable.table(table);
    if (entry == nullptr) return false;
    for (const auto& [key, head] : entry->series) {
      if (head->min_ts() < cutoff) return true;
    }
    return false;
  };
  if (memtable_has(*active_)) return true;
  for (const auto& memtable : frozen_) {
    if (memtable_has(*memtable)) return true;
  }
  return false;
}

Result<storage::RetentionReport> TsdbStore::apply_retention(TimestampMs now_ms) {
  MYSTOCKS_RETURN_IF_ERROR(writable());
  storage::RetentionReport report;
  {
    std::lock_guard write_lock(write_mutex_);
    for (const std::string& name : table_names()) {
      std::shared_ptr<const TableInfo> table = find_table(name);
      if (table == nullptr || table->schema.retention_days <= 0) continue;
      const int64_t cutoff = now_ms - int64_t{table->schema.retention_days} * kMillisPerDay;
      if (!has_rows_before(name, cutoff)) continue;  // nothing to drop: no WAL record, no flush
      Result<std::optional<int64_t>> rows = retain_table_locked(table, cutoff);
      if (!rows.is_ok()) return rows.status();
      if (!rows->has_value()) continue;  // all of it was deleted already
      report.tables.push_back({name, cutoff, **rows});
      if (retention_rows_ != nullptr) retention_rows_->with({name}).inc(static_cast<double>(**rows));
    }
    // Flushing applies the tombstones to segments now: whole old days are dropped unread.
    if (!report.tables.empty()) MYSTOCKS_RETURN_IF_ERROR(switch_memtable_locked());
  }
  return report;
}

Result<std::optional<int64_t>> TsdbStore::retain_table_locked(
    const std::shared_ptr<const TableInfo>& table, int64_t cutoff) {
  const storage::TimeRange range{std::numeric_limits<int64_t>::min(), cutoff};
  Result<SeriesFilter> filter = make_filter(*table, {}, {});
  if (!filter.is_ok()) return filter.status();
  // Counting reads the timestamps of what goes. A damaged old segment must not block retention
  // (which drops whole days unread): its rows are then not counted.
  Result<int64_t> rows = count_visible_locked(table, *filter, range);
  if (!rows.is_ok() && rows.status().code() != ErrorCode::kDataLoss) return rows.status();
  if (rows.is_ok() && *rows == 0) return std::optional<int64_t>();
  MYSTOCKS_RETURN_IF_ERROR(log_and_apply_delete(DeleteRequest{table->name(), {}, range}, table));
  return std::optional<int64_t>(rows.is_ok() ? *rows : 0);
}

}  // namespace mystocks::tsdb
