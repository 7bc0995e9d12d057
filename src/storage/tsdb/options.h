// TsdbOptions: everything a TsdbStore is opened with, and the sync policy that decides when a
// write is acknowledged. Built from config (core/config.h `tsdb:` section) by options_from_config,
// or directly by tests and tools. Plain values; read-only once the store is open.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/config.h"
#include "core/metrics.h"
#include "core/status.h"
#include "storage/tsdb/compression.h"

namespace mystocks::tsdb {

struct SyncPolicy {
  enum class Mode : uint8_t {
    kAlways,  // every write fsyncs before it returns (concurrent writers share one fsync)
    kGroup,   // a syncer thread fsyncs for all waiting writers; window_ms bounds the wait
    kNone,    // no fsync: survives kill -9 (page cache), not power loss
  };
  Mode mode = Mode::kGroup;
  int64_t window_ms = 5;  // group only: longest wait for other writers to join an fsync

  std::string to_string() const;  // "always", "group:5", "none"
};

// Parses "always", "none" or "group:<ms>" (0..60000); INVALID_ARGUMENT naming the accepted forms.
Result<SyncPolicy> parse_sync_policy(std::string_view text);

struct TsdbOptions {
  std::filesystem::path dir;  // the store's directory (created if missing)
  SyncPolicy sync;
  // Bytes of rows all memtables together may hold: the active one and up to
  // max_frozen_memtables frozen ones awaiting flush. The active memtable is frozen (and flushed)
  // at memtable_freeze_bytes(), so a bulk load holds at most this much, not a multiple of it.
  int64_t memtable_bytes = 64 << 20;
  // Frozen memtables waiting for the flush thread; writers block beyond this (back-pressure).
  int64_t max_frozen_memtables = 2;
  // Also flush a non-empty memtable older than this, bounding WAL replay after a crash.
  int64_t flush_interval_ms = 300'000;
  // Merge a day's newest segments once this many of similar size have accumulated.
  int64_t compaction_trigger = 4;
  CompressionOptions compression;
  // Open segment files (descriptor + parsed index) kept in the LRU cache.
  int64_t segment_cache_entries = 256;
  // Rows in each table's latest-row cache (one per series).
  int64_t latest_cache_series = 100'000;
  // Run the flush/compaction thread; when false, flushes happen only in flush()/compact() and
  // when a writer would otherwise block (tests that want deterministic layouts).
  bool background_work = true;
  // Open without taking LOCK exclusively, replaying the WAL in memory only, never writing
  // (admin tools). Writes and deletes fail with FAILED_PRECONDITION.
  bool read_only = false;
  // Flush the memtable when the store is destroyed, so the next open replays nothing. Tests turn
  // it off to leave the WAL in place, as a crash would.
  bool flush_on_close = true;
  // `admin tsdb-repair`: replay past damaged WAL records (resynchronising at the next record
  // that verifies) instead of refusing to open; the dropped ranges are logged and reported,
  // and the damaged files are copied to <dir>/quarantine first.
  bool salvage_wal = false;
  // Milliseconds between full scrub passes (every block of every segment verified on a
  // low-priority thread; the first pass starts at open); 0 = no scrub. Needs background_work.
  // Config tsdb.scrub_interval_s.
  int64_t scrub_interval_ms = 0;
  // Milliseconds between scheduled apply_retention() runs (the first one interval after open);
  // 0 = only when called. Needs background_work. Config tsdb.retention_interval_s.
  int64_t retention_interval_ms = 0;
  // After failed background work (a flush on a full disk), retry after this many milliseconds,
  // doubling up to background_retry_max_ms; the store is writable again once a retry succeeds.
  int64_t background_retry_initial_ms = 500;
  int64_t background_retry_max_ms = 30'000;
  const Clock* clock = &SystemClock::instance();
  MetricsRegistry* metrics = &MetricsRegistry::global();

  // The size at which the active memtable is frozen: an equal share of memtable_bytes for it and
  // each frozen memtable (1 byte at the least, so tiny test budgets still flush).
  int64_t memtable_freeze_bytes() const {
    const int64_t share = memtable_bytes / (max_frozen_memtables + 1);
    return share > 0 ? share : 1;
  }
};

// Options for the store under `<data_dir>/tsdb` from the `tsdb:` configuration section.
Result<TsdbOptions> options_from_config(const TsdbConfig& config, const std::string& data_dir);

}  // namespace mystocks::tsdb
