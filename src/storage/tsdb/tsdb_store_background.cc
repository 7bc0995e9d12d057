// TsdbStore's background thread: time-based flushes, flushes of frozen memtables and
// compaction steps; after a failure (a full disk) it retries with exponential backoff, restarts
// a WAL that failed in append, and clears the store's error once a round succeeds, so the
// store becomes writable and ready again without a restart.
#include <algorithm>

#include <spdlog/spdlog.h>

#include "core/thread_guard.h"
#include "storage/tsdb/tsdb_store.h"

namespace mystocks::tsdb {

Status TsdbStore::background_round() {
  Status status;
  // Time-based flush; try_lock because a writer holding the write mutex may be waiting for us.
  // Only with room for one more frozen memtable: switching waits for room, which this thread
  // would be waiting for itself.
  bool stale = false;
  {
    std::shared_lock lock(state_mutex_);
    stale = !active_->empty() &&
            options_.clock->now_ms() - active_->created_ms() >= options_.flush_interval_ms &&
            static_cast<int64_t>(frozen_.size()) < options_.max_frozen_memtables;
  }
  if (stale) {
    std::unique_lock write_lock(write_mutex_, std::try_to_lock);
    if (write_lock.owns_lock()) status = switch_memtable_locked();
  }
  // Flushes first (writers may be waiting), but a compaction step after each flush, so a
  // steady stream of flushes cannot starve compaction and pile up segments.
  while (status.is_ok()) {
    Result<bool> flushed = flush_one();
    status = flushed.status();
    if (!status.is_ok()) break;
    Result<bool> compacted = compact_one(false);
    status = compacted.status();
    if (!status.is_ok() || (!*flushed && !*compacted)) break;
  }
  return status;
}

Status TsdbStore::retry_background_work() {
  if (wal_->failed_in_append()) {
    // The WAL stopped at a failed append (disk full): a new file (the old one cut back to its
    // last whole record) makes it writable again. try_lock: a writer holding the write mutex
    // may be waiting for this thread to flush.
    std::unique_lock write_lock(write_mutex_, std::try_to_lock);
    if (!write_lock.owns_lock()) return wal_->sticky_error();
    MYSTOCKS_RETURN_IF_ERROR(wal_->start_file(next_file_number()));
  }
  MYSTOCKS_RETURN_IF_ERROR(wal_->sticky_error());  // a failed fsync needs a restart
  return background_round();
}

void TsdbStore::background_loop() {
  int64_t backoff_ms = 0;  // > 0 while failing: the wait before the next retry
  uint64_t failures = 0;
  while (true) {
    {
      std::unique_lock lock(background_mutex_);
      if (backoff_ms > 0) {
        background_cv_.wait_for(lock, std::chrono::milliseconds(backoff_ms),
                                [&] { return stopping_; });
      } else {
        background_cv_.wait_for(lock, std::chrono::milliseconds(500),
                                [&] { return stopping_ || work_pending_; });
      }
      if (stopping_) return;
      work_pending_ = false;
    }
    // A WAL append failure surfaces in the writer, not here: it is retried the same way.
    // An exception (allocation, filesystem) becomes a failed round: writes are refused and the
    // round is retried with backoff like any other failure.
    Status status = guard_thread_work("tsdb-background", [&] {
      return failures == 0 && !wal_->failed_in_append() ? background_round()
                                                        : retry_background_work();
    });
    if (status.is_ok()) {
      if (failures > 0) {
        spdlog::info("tsdb {}: background work succeeded after {} failed attempt(s); the store "
                     "is writable and ready again",
                     options_.dir.string(), failures);
        {
          std::unique_lock lock(state_mutex_);
          background_error_ = Status::ok();
        }
        state_cv_.notify_all();
      }
      failures = 0;
      backoff_ms = 0;
      continue;
    }
    ++failures;
    if (background_failures_ != nullptr) background_failures_->inc();
    backoff_ms = backoff_ms == 0 ? options_.background_retry_initial_ms
                                 : std::min(2 * backoff_ms, options_.background_retry_max_ms);
    if (failures == 1) {
      spdlog::error("tsdb {}: background work failed; writes are refused until a retry succeeds "
                    "(first retry in {} ms): {}",
                    options_.dir.string(), backoff_ms, status.message());
    } else {
      spdlog::warn("tsdb {}: background retry {} failed (next in {} ms): {}",
                   options_.dir.string(), failures, backoff_ms, status.message());
    }
    {
      std::unique_lock lock(state_mutex_);
      background_error_ = status;
    }
    state_cv_.notify_all();
  }
}

}  // namespace mystocks::tsdb
