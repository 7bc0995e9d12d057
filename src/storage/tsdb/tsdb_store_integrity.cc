// TsdbStore integrity and upkeep: damaged segments (found at open, by the scrub or by
// compaction) and the low-priority maintenance thread that scrubs segment files and runs
// retention on a schedule (docs/reliability.md).
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/thread_guard.h"
#include "storage/tsdb/tsdb_store.h"

namespace mystocks::tsdb {

void TsdbStore::verify_segments_at_open() {
  std::shared_ptr<const Version> version;
  {
    std::shared_lock lock(state_mutex_);
    version = version_;
  }
  // Footer and index checksums only (one small read per file); blocks are the scrub's job.
  for (const auto& [name, table] : version->tables) {
    for (const auto& [day, segments] : table.days) {
      for (const SegmentPtr& segment : segments) {
        Result<std::shared_ptr<const SegmentReader>> reader = segments_.get(*segment);
        if (reader.is_ok()) continue;
        note_damage(*segment, reader.status());
        recovery_.damaged_segments.push_back(reader.status().message());
      }
    }
  }
}

void TsdbStore::note_damage(const SegmentHandle& segment, const Status& status) {
  std::string message = status.message();
  if (message.find(segment.path().string()) == std::string::npos) {
    message = fmt::format("tsdb segment {}: {}", segment.path().string(), message);
  }
  bool added = false;
  size_t count = 0;
  {
    std::lock_guard lock(damage_mutex_);
    added = damaged_.emplace(segment.meta().file_number, message).second;
    count = damaged_.size();
  }
  if (!added) return;
  if (damaged_gauge_ != nullptr) damaged_gauge_->set(static_cast<double>(count));
  spdlog::error("tsdb {}: damaged segment (queries that read it fail with DATA_LOSS; see "
                "docs/reliability.md): {}",
                options_.dir.string(), message);
}

void TsdbStore::forget_damage(uint64_t file_number) {
  size_t count = 0;
  {
    std::lock_guard lock(damage_mutex_);
    if (damaged_.erase(file_number) == 0) return;
    count = damaged_.size();
  }
  if (damaged_gauge_ != nullptr) damaged_gauge_->set(static_cast<double>(count));
}

bool TsdbStore::is_damaged(uint64_t file_number) const {
  std::lock_guard lock(damage_mutex_);
  return damaged_.contains(file_number);
}

std::vector<std::string> TsdbStore::damaged_segments() const {
  std::lock_guard lock(damage_mutex_);
  std::vector<std::string> messages;
  for (const auto& [number, message] : damaged_) messages.push_back(message);
  return messages;
}

Status TsdbStore::damage_status() const {
  const std::vector<std::string> messages = damaged_segments();
  if (messages.empty()) return Status::ok();
  std::string joined;
  for (const std::string& message : messages) joined += (joined.empty() ? "" : "; ") + message;
  return error(ErrorCode::kDataLoss,
               "tsdb: {} damaged segment file(s) (queries reading them fail; `mystocks admin "
               "tsdb-check` lists the damage): {}",
               messages.size(), joined);
}

uint64_t TsdbStore::scrub() {
  std::shared_ptr<const Version> version;
  {
    std::shared_lock lock(state_mutex_);
    version = version_;  // the snapshot keeps its files alive while they are read
  }
  uint64_t verified = 0;
  for (const auto& [name, table] : version->tables) {
    for (const auto& [day, segments] : table.days) {
      for (const SegmentPtr& segment : segments) {
        {
          std::lock_guard lock(maintenance_mutex_);
          if (maintenance_stopping_) return verified;
        }
        if (is_damaged(segment->meta().file_number)) continue;
        // Opened outside the segment cache, so a scrub does not evict what queries use.
        Result<std::shared_ptr<const SegmentReader>> reader = SegmentReader::open(segment->path());
        Status status = reader.is_ok() ? (*reader)->verify() : reader.status();
        if (!status.is_ok()) note_damage(*segment, status);
        ++verified;
        if (scrubbed_ != nullptr) scrubbed_->inc();
      }
    }
  }
  return verified;
}

void TsdbStore::start_maintenance() {
  if (options_.scrub_interval_ms <= 0 && options_.retention_interval_ms <= 0) return;
  maintenance_ =
      std::thread([this] { (void)run_thread("tsdb-maintenance", [this] { maintenance_loop(); }); });
}

void TsdbStore::stop_maintenance() {
  {
    std::lock_guard lock(maintenance_mutex_);
    maintenance_stopping_ = true;
  }
  maintenance_cv_.notify_all();
  if (maintenance_.joinable()) maintenance_.join();
}

void TsdbStore::maintenance_loop() {
  // Scrubbing reads every segment: let flushes, queries and the rest of the process go first.
  (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), 19);
  using Clock = std::chrono::steady_clock;
  const auto never = Clock::time_point::max();
  const auto scrub_every = std::chrono::milliseconds(options_.scrub_interval_ms);
  const auto retain_every = std::chrono::milliseconds(options_.retention_interval_ms);
  // Interval timing is real time on purpose: it paces I/O; retention cutoffs use the clock.
  auto next_scrub = options_.scrub_interval_ms > 0 ? Clock::now() : never;
  auto next_retention = options_.retention_interval_ms > 0 ? Clock::now() + retain_every : never;
  while (true) {
    {
      std::unique_lock lock(maintenance_mutex_);
      maintenance_cv_.wait_until(lock, std::min(next_scrub, next_retention),
                                 [&] { return maintenance_stopping_; });
      if (maintenance_stopping_) return;
    }
    const auto now = Clock::now();
    if (now >= next_scrub) {
      const auto started = Clock::now();
      uint64_t verified = 0;
      // A scrub or retention pass that throws is reported; the next interval tries again.
      (void)guard_thread_work("tsdb-scrub", [&] { verified = scrub(); });
      spdlog::debug("tsdb {}: scrub verified {} segment(s) in {:.1f} s", options_.dir.string(),
                    verified, std::chrono::duration<double>(Clock::now() - started).count());
      next_scrub = Clock::now() + scrub_every;
    }
    if (now >= next_retention) {
      (void)guard_thread_work("tsdb-retention", [this] { run_scheduled_retention(); });
      next_retention = Clock::now() + retain_every;
    }
  }
}

void TsdbStore::run_scheduled_retention() {
  Result<storage::RetentionReport> report = apply_retention(options_.clock->now_ms());
  if (!report.is_ok()) {
    spdlog::warn("tsdb {}: scheduled retention failed (next try in {} s): {}",
                 options_.dir.string(), options_.retention_interval_ms / 1000,
                 report.status().message());
    return;
  }
  for (const storage::RetentionRemoval& removal : report->tables) {
    spdlog::info("tsdb retention: removed {} row(s) of table {} older than {}", removal.rows,
                 removal.table, format_iso8601_utc(removal.cutoff_ms));
  }
}

}  // namespace mystocks::tsdb
