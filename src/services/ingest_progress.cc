#include "services/ingest_progress.h"

#include <algorithm>
#include <chrono>

namespace mystocks::services {

std::string_view job_state_name(JobState state) {
  switch (state) {
    case JobState::kQueued:
      return "queued";
    case JobState::kRunning:
      return "running";
    case JobState::kSucceeded:
      return "succeeded";
    case JobState::kFailed:
      return "failed";
    case JobState::kCancelled:
      return "cancelled";
  }
  return "unknown";
}

void IngestProgress::start(int64_t chunks_total) {
  std::lock_guard lock(mutex_);
  if (is_finished(state_.state)) return;
  state_.chunks_total = chunks_total;
  if (state_.state == JobState::kRunning) return;  // the runner started it before the pipeline
  state_.state = JobState::kRunning;
  state_.started_at_ms = clock_.now_ms();
  started_ns_ = clock_.steady_ns();
}

void IngestProgress::set_chunks_total(int64_t chunks_total) {
  std::lock_guard lock(mutex_);
  state_.chunks_total = chunks_total;
}

void IngestProgress::add(const ChunkCounts& counts, bool chunk_finished) {
  std::lock_guard lock(mutex_);
  state_.rows_fetched += counts.fetched;
  state_.rows_written += counts.written;
  state_.rows_rejected += counts.rejected;
  state_.rows_skipped += counts.skipped;
  state_.rows_deleted += counts.deleted;
  state_.quality_findings += counts.findings;
  if (chunk_finished) ++state_.chunks_done;
}

void IngestProgress::add_registered_symbols(const std::vector<std::string>& symbols) {
  std::lock_guard lock(mutex_);
  std::vector<std::string>& out = state_.registered_symbols;
  out.insert(out.end(), symbols.begin(), symbols.end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

void IngestProgress::finish(const Status& status) {
  {
    std::lock_guard lock(mutex_);
    if (is_finished(state_.state)) return;
    if (state_.started_at_ms == 0) {
      state_.started_at_ms = clock_.now_ms();
      started_ns_ = clock_.steady_ns();
    }
    state_.state = status.is_ok()                           ? JobState::kSucceeded
                   : status.code() == ErrorCode::kCancelled ? JobState::kCancelled
                                                            : JobState::kFailed;
    state_.error_code = status.code();
    state_.error = status.message();
    state_.finished_at_ms = clock_.now_ms();
    finished_ns_ = clock_.steady_ns();
  }
  finished_cv_.notify_all();
}

void IngestProgress::request_cancel() {
  std::lock_guard lock(mutex_);
  cancel_ = true;
}

bool IngestProgress::cancel_requested() const {
  std::lock_guard lock(mutex_);
  return cancel_;
}

ProgressSnapshot IngestProgress::snapshot() const {
  std::lock_guard lock(mutex_);
  return snapshot_locked();
}

ProgressSnapshot IngestProgress::snapshot_locked() const {
  ProgressSnapshot out = state_;
  if (out.state == JobState::kQueued) return out;
  const int64_t end_ns = is_finished(out.state) ? finished_ns_ : clock_.steady_ns();
  const int64_t elapsed_ns = end_ns > started_ns_ ? end_ns - started_ns_ : 0;
  out.elapsed_ms = elapsed_ns / 1'000'000;
  if (elapsed_ns > 0) {
    out.rows_per_second =
        static_cast<double>(out.rows_written) * 1e9 / static_cast<double>(elapsed_ns);
  }
  if (is_finished(out.state)) {
    out.eta_ms = 0;
  } else if (out.chunks_done > 0 && out.chunks_total >= out.chunks_done) {
    out.eta_ms = static_cast<int64_t>(static_cast<double>(elapsed_ns) / 1e6 *
                                      static_cast<double>(out.chunks_total - out.chunks_done) /
                                      static_cast<double>(out.chunks_done));
  }
  return out;
}

bool IngestProgress::wait_finished(int64_t timeout_ms) const {
  std::unique_lock lock(mutex_);
  return finished_cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                               [&] { return is_finished(state_.state); });
}

}  // namespace mystocks::services
