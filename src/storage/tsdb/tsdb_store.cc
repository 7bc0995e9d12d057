// TsdbStore: opening, recovery, tables, health and shutdown. Writes are in
// tsdb_store_write.cc, queries in tsdb_store_read.cc, flush and compaction in
// tsdb_store_flush.cc, stats in tsdb_store_stats.cc.
#include "storage/tsdb/tsdb_store.h"

#include <algorithm>
#include <set>
#include <system_error>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/thread_guard.h"

namespace mystocks::tsdb {

std::string RecoveryReport::to_string() const {
  std::string out = fmt::format("replayed {} WAL file(s), {} record(s), {} row(s)", wal_files,
                                records, rows);
  for (const TornTail& tail : torn_tails) {
    out += fmt::format("; torn tail in {} at offset {} ({} bytes dropped: {})", tail.file,
                       tail.offset, tail.dropped_bytes, tail.reason);
  }
  for (const SalvagedRange& range : salvaged) {
    out += fmt::format("; salvage dropped {} bytes of {} at offset {} ({})", range.length,
                       range.file, range.offset, range.reason);
  }
  if (!damaged_segments.empty()) {
    out += fmt::format("; {} damaged segment file(s)", damaged_segments.size());
  }
  if (orphan_files_removed > 0) {
    out += fmt::format("; removed {} orphan file(s)", orphan_files_removed);
  }
  return out;
}

TsdbStore::TsdbStore(TsdbOptions options)
    : options_(std::move(options)),
      segments_(static_cast<size_t>(options_.segment_cache_entries), options_.metrics),
      latest_cache_(static_cast<size_t>(options_.latest_cache_series)),
      // One memtable's worth of recycled storage: with the memtables, the budget plus one share.
      column_pool_(
          std::make_shared<ColumnPool>(static_cast<size_t>(options_.memtable_freeze_bytes()))) {
  if (MetricsRegistry* metrics = options_.metrics) {
    rows_written_ = &metrics->counter("tsdb_rows_written_total", "rows written to tsdb").get();
    batches_written_ =
        &metrics->counter("tsdb_batches_written_total", "batches written to tsdb").get();
    flushes_ = &metrics->counter("tsdb_flushes_total", "memtables flushed to segments").get();
    compactions_ = &metrics->counter("tsdb_compactions_total", "segment compactions").get();
    write_stalls_ = &metrics->counter("tsdb_write_stalls_total",
                                      "writes that waited for a flush (back-pressure)").get();
    corruptions_ = &metrics->counter("tsdb_corruption_errors_total",
                                     "reads that found a corrupt segment").get();
    write_seconds_ = &metrics->histogram("tsdb_write_seconds", "tsdb write() latency").get();
    damaged_gauge_ = &metrics
                          ->gauge("tsdb_damaged_segments",
                                  "segment files found damaged (readiness fails while > 0)")
                          .get();
    scrubbed_ = &metrics->counter("tsdb_scrub_segments_verified_total",
                                  "segment files fully verified by the background scrub").get();
    background_failures_ = &metrics
                                ->counter("tsdb_background_failures_total",
                                          "failed rounds of flush/compaction (then retried)")
                                .get();
    retention_rows_ = &metrics->counter("tsdb_retention_rows_removed_total",
                                        "rows removed by table retention", {"table"});
  }
}

Result<std::unique_ptr<TsdbStore>> TsdbStore::open(TsdbOptions options) {
  std::error_code code;
  if (options.read_only) {
    if (!std::filesystem::is_directory(options.dir, code)) {
      return error(ErrorCode::kNotFound, "tsdb: {} is not a tsdb directory", options.dir.string());
    }
  } else {
    MYSTOCKS_RETURN_IF_ERROR(make_directories(options.dir / "wal"));
    MYSTOCKS_RETURN_IF_ERROR(make_directories(options.dir / "data"));
  }
  std::unique_ptr<TsdbStore> store(new TsdbStore(std::move(options)));
  if (!store->options_.read_only) {
    Result<DirectoryLock> lock = DirectoryLock::acquire(store->options_.dir, true);
    if (!lock.is_ok()) return lock.status();
    store->lock_ = std::move(*lock);
    store->wal_ = std::make_unique<Wal>(store->options_.dir / "wal", store->options_.sync,
                                        store->options_.metrics);
  }
  // On failure the half-open store is destroyed here and never handed out; its destructor sees
  // open_ == false and touches nothing that recovery may not have built.
  MYSTOCKS_RETURN_IF_ERROR(store->recover());
  if (!store->recovery_.torn_tails.empty() || store->recovery_.records > 0 ||
      !store->recovery_.salvaged.empty() || !store->recovery_.damaged_segments.empty()) {
    spdlog::info("tsdb {}: {}", store->options_.dir.string(), store->recovery_.to_string());
  }
  store->open_ = true;
  if (store->options_.background_work && !store->options_.read_only) {
    store->background_ = std::thread([raw = store.get()] {
      (void)run_thread("tsdb-background", [raw] { raw->background_loop(); });
    });
    store->start_maintenance();
  }
  return store;
}

TsdbStore::~TsdbStore() {
  // Maintenance first: a retention run may be waiting for the background thread to flush.
  stop_maintenance();
  {
    std::lock_guard lock(background_mutex_);
    stopping_ = true;
  }
  background_cv_.notify_all();
  if (background_.joinable()) background_.join();
  // A store whose open() failed has no active memtable and possibly no WAL file: flushing it
  // would crash, and there is nothing to flush (its WAL files are untouched).
  if (!open_ || options_.read_only || wal_ == nullptr || !options_.flush_on_close) return;
  // A clean shutdown flushes, so the next open has no WAL to replay. Failure is harmless: the
  // WAL still holds every acknowledged row.
  Status status = flush();
  if (!status.is_ok()) spdlog::warn("tsdb {}: flush at shutdown failed: {}", options_.dir.string(),
                                    status.message());
}

Status TsdbStore::writable() const {
  if (options_.read_only) {
    return error(ErrorCode::kFailedPrecondition, "tsdb {} is open read-only",
                 options_.dir.string());
  }
  std::shared_lock lock(state_mutex_);
  if (!background_error_.is_ok()) return background_error_;
  return wal_->sticky_error();
}

std::shared_ptr<const TableInfo> TsdbStore::find_table(const std::string& name) const {
  std::shared_lock lock(state_mutex_);
  const TableVersion* table = version_->table(name);
  return table == nullptr ? nullptr : table->info;
}

Result<std::shared_ptr<const TableInfo>> TsdbStore::require_table(const std::string& name) const {
  std::shared_ptr<const TableInfo> table = find_table(name);
  if (table != nullptr) return table;
  std::string known;
  for (const std::string& existing : table_names()) known += (known.empty() ? "" : ", ") + existing;
  return field_error(ErrorCode::kNotFound, "table",
                     "tsdb has no table '{}' (tables: {}); create it from tables.yaml first", name,
                     known.empty() ? "none" : known);
}

std::vector<std::string> TsdbStore::table_names() const {
  std::shared_lock lock(state_mutex_);
  std::vector<std::string> names;
  for (const auto& [name, table] : version_->tables) names.push_back(name);
  return names;
}

uint64_t TsdbStore::next_file_number() { return next_file_number_.fetch_add(1); }

Status TsdbStore::install_manifest(const ManifestData& manifest) {
  auto version = std::make_shared<Version>();
  for (const storage::TableSchema& schema : manifest.tables) {
    Result<TableInfo> info = TableInfo::make(schema);
    if (!info.is_ok()) {
      return error(ErrorCode::kDataLoss, "tsdb manifest {}: {}",
                   manifest_path(options_.dir).string(), info.status().message());
    }
    version->tables[schema.name].info = std::make_shared<const TableInfo>(std::move(*info));
  }
  for (const SegmentMeta& meta : manifest.segments) {
    auto table = version->tables.find(meta.table);
    if (table == version->tables.end()) {
      return error(ErrorCode::kDataLoss, "tsdb manifest {} lists a segment of unknown table '{}'",
                   manifest_path(options_.dir).string(), meta.table);
    }
    table->second.days[meta.day].push_back(std::make_shared<const SegmentHandle>(
        meta, segment_path(options_.dir, meta.table, meta.day, meta.file_number)));
  }
  for (auto& [name, table] : version->tables) {
    for (auto& [day, segments] : table.days) sort_by_generation(segments);
  }
  std::unique_lock lock(state_mutex_);
  version_ = std::move(version);
  next_generation_ = manifest.next_generation;
  wal_start_ = manifest.wal_start;
  uint64_t next = std::max<uint64_t>(manifest.next_file_number, 1);
  for (const SegmentMeta& meta : manifest.segments) next = std::max(next, meta.file_number + 1);
  next_file_number_.store(next);
  return Status::ok();
}

Status TsdbStore::remove_orphans(const ManifestData& manifest) {
  std::set<std::filesystem::path> live;
  for (const SegmentMeta& meta : manifest.segments) {
    live.insert(segment_path(options_.dir, meta.table, meta.day, meta.file_number));
  }
  std::error_code code;
  std::vector<std::filesystem::path> doomed;
  for (auto it = std::filesystem::recursive_directory_iterator(options_.dir / "data", code);
       !code && it != std::filesystem::recursive_directory_iterator(); it.increment(code)) {
    if (!it->is_regular_file(code)) continue;
    if (!live.contains(it->path())) doomed.push_back(it->path());
  }
  if (code) {
    return error(ErrorCode::kIoError, "tsdb: cannot list {}: {}", (options_.dir / "data").string(),
                 code.message());
  }
  for (const std::filesystem::path& path : doomed) {
    std::filesystem::remove(path, code);
    ++recovery_.orphan_files_removed;
  }
  std::filesystem::remove(manifest_path(options_.dir).string() + ".tmp", code);
  return Status::ok();
}

Status TsdbStore::recover() {
  Result<std::optional<ManifestData>> read = read_manifest(options_.dir);
  if (!read.is_ok()) return read.status();
  ManifestData manifest = read->value_or(ManifestData{});
  MYSTOCKS_RETURN_IF_ERROR(install_manifest(manifest));
  verify_segments_at_open();
  if (!options_.read_only) {
    if (!read->has_value()) MYSTOCKS_RETURN_IF_ERROR(write_manifest(options_.dir, manifest));
    MYSTOCKS_RETURN_IF_ERROR(remove_orphans(manifest));
  }

  std::vector<uint64_t> wal_numbers;
  std::error_code code;
  for (const auto& entry : std::filesystem::directory_iterator(options_.dir / "wal", code)) {
    const uint64_t number = parse_wal_file_name(entry.path().filename().string());
    if (number == 0) continue;
    next_file_number_.store(std::max(next_file_number_.load(), number + 1));
    wal_numbers.push_back(number);
  }
  std::sort(wal_numbers.begin(), wal_numbers.end());
  {
    std::unique_lock lock(state_mutex_);
    active_ = std::make_shared<Memtable>(wal_start_, options_.clock->now_ms(), column_pool_);
  }
  for (uint64_t number : wal_numbers) {
    if (number < wal_start_) continue;
    MYSTOCKS_RETURN_IF_ERROR(replay_wal(number, number == wal_numbers.back()));
    if (options_.read_only) continue;
    bool full = false;
    {
      std::shared_lock lock(state_mutex_);
      full = active_->bytes() >= static_cast<size_t>(options_.memtable_freeze_bytes());
    }
    if (full) {
      // Bound memory while replaying several WAL files: flush at a file boundary, so the
      // MANIFEST's replay start can move past this file.
      {
        std::unique_lock lock(state_mutex_);
        frozen_.push_back(active_);
        active_ = std::make_shared<Memtable>(number + 1, options_.clock->now_ms(), column_pool_);
      }
      MYSTOCKS_RETURN_IF_ERROR(flush_one().status());
    }
  }
  if (options_.read_only) return Status::ok();

  // Everything replayed goes to segments; the new WAL file starts clean.
  const uint64_t number = next_file_number();
  {
    std::unique_lock lock(state_mutex_);
    if (!active_->empty()) frozen_.push_back(active_);
    active_ = std::make_shared<Memtable>(number, options_.clock->now_ms(), column_pool_);
  }
  while (true) {
    Result<bool> flushed = flush_one();
    if (!flushed.is_ok()) return flushed.status();
    if (!*flushed) break;
  }
  MYSTOCKS_RETURN_IF_ERROR(wal_->start_file(number));
  {
    std::lock_guard lock(version_mutex_);
    std::map<std::string, TableVersion> tables;
    {
      std::shared_lock state(state_mutex_);
      tables = version_->tables;
    }
    MYSTOCKS_RETURN_IF_ERROR(write_manifest(options_.dir, manifest_for(tables, number)));
    wal_start_ = number;
  }
  for (uint64_t old : wal_numbers) {
    if (old < number) std::filesystem::remove(wal_file_path(options_.dir / "wal", old), code);
  }
  return Status::ok();
}

Status TsdbStore::replay_wal(uint64_t number, bool newest) {
  const std::filesystem::path path = wal_file_path(options_.dir / "wal", number);
  uint64_t rows = 0;
  const WalScanMode mode = options_.salvage_wal ? WalScanMode::kSalvage : WalScanMode::kStrict;
  Result<WalFileScan> scan = scan_wal_file(path, [&](WalRecordType type, std::string_view payload) {
    Status status = apply_record(type, payload, &rows);
    if (!status.is_ok()) {
      return Status(status.code(), fmt::format("tsdb: replaying {}: {}", path.string(),
                                               status.message()));
    }
    return Status::ok();
  }, mode);
  if (!scan.is_ok()) return scan.status();
  // Only the newest file may end in a torn record: an older one was fsynced whole before the
  // next file started, so damage at its end lost acknowledged records.
  if (scan->torn && !newest && mode == WalScanMode::kStrict &&
      scan->file_bytes >= kWalHeaderBytes) {
    return error(ErrorCode::kDataLoss,
                 "tsdb: WAL file {} is damaged at offset {} ({}), and newer WAL files follow it, "
                 "so its records were complete and acknowledged: this is not a torn tail; "
                 "nothing was changed. Salvage every readable record with `mystocks admin "
                 "tsdb-repair`",
                 path.string(), scan->valid_bytes, scan->reason);
  }
  ++recovery_.wal_files;
  recovery_.records += scan->records;
  recovery_.rows += rows;
  if (!scan->dropped.empty()) MYSTOCKS_RETURN_IF_ERROR(quarantine_wal(path, *scan));
  if (scan->torn) {
    recovery_.torn_tails.push_back({path.string(), scan->valid_bytes,
                                    scan->file_bytes - scan->valid_bytes, scan->reason});
    spdlog::warn("tsdb: {}: torn tail at offset {} ({}), {} bytes dropped", path.string(),
                 scan->valid_bytes, scan->reason, scan->file_bytes - scan->valid_bytes);
    if (!options_.read_only) {
      Result<File> file = File::open_read_write(path);
      if (!file.is_ok()) return file.status();
      MYSTOCKS_RETURN_IF_ERROR(file->truncate(scan->valid_bytes));
      MYSTOCKS_RETURN_IF_ERROR(file->sync());
    }
  }
  return Status::ok();
}

Status TsdbStore::quarantine_wal(const std::filesystem::path& path, const WalFileScan& scan) {
  for (const WalDroppedRange& range : scan.dropped) {
    recovery_.salvaged.push_back({path.string(), range.offset, range.length, range.reason});
    spdlog::warn("tsdb repair: {}: dropped {} damaged bytes at offset {} ({})", path.string(),
                 range.length, range.offset, range.reason);
  }
  if (options_.read_only) return Status::ok();
  // The damaged original is kept (recovery deletes replayed WAL files), so nothing is destroyed.
  const std::filesystem::path quarantine = options_.dir / "quarantine";
  MYSTOCKS_RETURN_IF_ERROR(make_directories(quarantine));
  std::error_code code;
  std::filesystem::copy_file(path, quarantine / path.filename(),
                             std::filesystem::copy_options::overwrite_existing, code);
  if (code) {
    return error(ErrorCode::kIoError, "tsdb repair: cannot keep a copy of {} in {}: {}",
                 path.string(), quarantine.string(), code.message());
  }
  MYSTOCKS_RETURN_IF_ERROR(sync_directory(quarantine));
  recovery_.quarantined.push_back((quarantine / path.filename()).string());
  return Status::ok();
}

Status TsdbStore::create_table(const storage::TableSchema& schema) {
  MYSTOCKS_RETURN_IF_ERROR(writable());
  Result<TableInfo> made = TableInfo::make(schema);
  if (!made.is_ok()) return made.status();
  auto info = std::make_shared<const TableInfo>(std::move(*made));
  std::lock_guard write_lock(write_mutex_);
  std::shared_ptr<const TableInfo> existing = find_table(schema.name);
  bool columns_changed = true;
  if (existing != nullptr) {
    MYSTOCKS_RETURN_IF_ERROR(check_compatible(*existing, *info));
    columns_changed = existing->schema.columns.size() != info->schema.columns.size();
    if (!columns_changed && existing->schema.retention_days == info->schema.retention_days) {
      return Status::ok();
    }
    if (!columns_changed) info = std::make_shared<const TableInfo>([&] {
      TableInfo updated = *existing;  // keep the stored column order; only retention changes
      updated.schema.retention_days = info->schema.retention_days;
      return updated;
    }());
  }
  if (existing != nullptr && columns_changed) {
    // Memtable heads are laid out by the old column list: move them to segments first.
    MYSTOCKS_RETURN_IF_ERROR(switch_memtable_locked());
    MYSTOCKS_RETURN_IF_ERROR(wait_until_flushed());
  }
  std::lock_guard version_lock(version_mutex_);
  std::map<std::string, TableVersion> tables;
  {
    std::shared_lock lock(state_mutex_);
    tables = version_->tables;
  }
  tables[schema.name].info = info;
  MYSTOCKS_RETURN_IF_ERROR(write_manifest(options_.dir, manifest_for(tables, wal_start_)));
  {
    std::unique_lock lock(state_mutex_);
    auto version = std::make_shared<Version>();
    version->tables = std::move(tables);
    version_ = std::move(version);
  }
  if (columns_changed) latest_cache_.reset(schema.name);
  return Status::ok();
}

Status TsdbStore::check_health() {
  MYSTOCKS_RETURN_IF_ERROR(damage_status());
  if (options_.read_only) return Status::ok();
  std::shared_lock lock(state_mutex_);
  if (!background_error_.is_ok()) {
    return background_error_.with_context("tsdb background work failed");
  }
  return wal_->sticky_error();
}

MemoryUsage TsdbStore::memory_usage() const {
  MemoryUsage usage;
  {
    std::shared_lock lock(state_mutex_);
    usage.memtable_bytes = active_->bytes();
    for (const auto& memtable : frozen_) usage.memtable_bytes += memtable->bytes();
  }
  usage.segment_index_bytes = segments_.memory_bytes();
  usage.open_segments = segments_.size();
  return usage;
}

}  // namespace mystocks::tsdb
