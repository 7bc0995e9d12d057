// IngestProgress: the live state of one ingest job - state (queued, running, succeeded, failed,
// cancelled), rows fetched/written/rejected/skipped, chunks done of total, quality findings,
// rows/s and ETA - plus its cancellation flag. The pipeline updates it after every chunk; the
// job runner, the CLI's progress bar and the REST route read snapshots.
// Thread-safety: every method may be called from any thread (one mutex; updates are per chunk,
// never per row). wait_finished() blocks on a condition variable, not by polling.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/error_code.h"
#include "core/status.h"

namespace mystocks::services {

enum class JobState : uint8_t { kQueued, kRunning, kSucceeded, kFailed, kCancelled };

std::string_view job_state_name(JobState state);  // "queued", "running", "succeeded", ...
inline bool is_finished(JobState state) {
  return state == JobState::kSucceeded || state == JobState::kFailed ||
         state == JobState::kCancelled;
}

struct ProgressSnapshot {
  JobState state = JobState::kQueued;
  int64_t rows_fetched = 0;   // rows the source returned
  int64_t rows_written = 0;   // rows DataManager wrote
  int64_t rows_rejected = 0;  // invalid rows not written (quality checks + validation)
  int64_t rows_skipped = 0;   // rows already stored before the job (resume)
  int64_t rows_deleted = 0;   // stored rows a replace job removed (replaced or gone at the source)
  int64_t chunks_done = 0;
  int64_t chunks_total = 0;
  int64_t quality_findings = 0;
  double rows_per_second = 0;  // rows written per second of running time
  int64_t eta_ms = -1;         // estimated time to finish; -1 = unknown
  int64_t elapsed_ms = 0;      // running time so far (or in total once finished)
  int64_t started_at_ms = 0;   // wall clock, 0 = not started
  int64_t finished_at_ms = 0;  // wall clock, 0 = not finished
  ErrorCode error_code = ErrorCode::kOk;
  std::string error;  // why the job failed or was cancelled
  // Symbols the job added to the securities master as inferred (ingest_symbols.h), sorted.
  std::vector<std::string> registered_symbols;
};

struct ChunkCounts {
  int64_t fetched = 0;
  int64_t written = 0;
  int64_t rejected = 0;
  int64_t skipped = 0;
  int64_t deleted = 0;
  int64_t findings = 0;
};

class IngestProgress {
 public:
  explicit IngestProgress(const Clock& clock) : clock_(clock) {}
  IngestProgress(const IngestProgress&) = delete;
  IngestProgress& operator=(const IngestProgress&) = delete;

  // queued -> running with the planned chunk count (a second call only sets the count).
  void start(int64_t chunks_total);
  // Once the plan is known (after listing the source's symbols).
  void set_chunks_total(int64_t chunks_total);
  // Adds one chunk's counts; `chunk_finished` advances chunks_done.
  void add(const ChunkCounts& counts, bool chunk_finished);
  // Records symbols registered in the securities master as inferred (kept sorted, unique).
  void add_registered_symbols(const std::vector<std::string>& symbols);
  // Ends the job: OK = succeeded, kCancelled = cancelled, anything else = failed. Wakes waiters.
  void finish(const Status& status);

  void request_cancel();
  bool cancel_requested() const;

  ProgressSnapshot snapshot() const;
  // Blocks until the job finished or `timeout_ms` of real time passed; true when finished.
  bool wait_finished(int64_t timeout_ms) const;

 private:
  ProgressSnapshot snapshot_locked() const;  // REQUIRES: mutex_ held

  const Clock& clock_;
  mutable std::mutex mutex_;
  mutable std::condition_variable finished_cv_;
  ProgressSnapshot state_;   // GUARDED_BY(mutex_)
  int64_t started_ns_ = 0;   // GUARDED_BY(mutex_)
  int64_t finished_ns_ = 0;  // GUARDED_BY(mutex_)
  bool cancel_ = false;      // GUARDED_BY(mutex_)
};

}  // namespace mystocks::services
