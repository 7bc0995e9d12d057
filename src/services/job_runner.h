// JobRunner: the in-process registry of ingest jobs behind POST/GET /api/v1/data/jobs and the
// scheduler. submit() queues a job and returns its id; a bounded pool of worker threads runs
// queued jobs through the IngestPipeline in submission order; get()/list() return progress
// snapshots; cancel() drops a queued job or asks a running one to stop between chunks. The queue
// is bounded (submit fails with kResourceExhausted when full) and finished jobs are kept for a
// bounded time and count, so memory stays bounded however many jobs run. With a JobHistory,
// every state change (queued, running, finished) is also written to the ingest_jobs table, and
// get()/list() answer jobs an earlier process ran (restore_history() at start).
// Thread-safety: every public method may be called from any thread. The destructor cancels
// queued and running jobs and joins the workers; the pipeline and sources must outlive it.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/config.h"
#include "core/status.h"
#include "services/ingest_pipeline.h"
#include "services/ingest_progress.h"
#include "services/ingest_spec.h"
#include "sources/data_source.h"
#include "sources/failover_source.h"

namespace mystocks::services {

struct JobRunnerOptions {
  int workers = 1;             // threads running jobs, 1..8 (ingest.workers)
  size_t queue_capacity = 16;  // queued jobs beyond the running ones (ingest.queue_capacity)
  size_t keep_finished = 100;  // finished jobs kept for get()/list(), newest first
  int64_t keep_finished_ms = 3'600'000;  // ... and for at most this long after finishing
};

// Resolves a job's source name ("" = the configured failover source); kInvalidArgument naming
// the known sources when unknown. Called on a worker thread.
using SourceResolver = std::function<Result<sources::IDataSource*>(const std::string& name)>;

// The runner options the `ingest` configuration section sets.
JobRunnerOptions job_runner_options(const IngestConfig& config);

// Resolves "" to `sources` itself (the failover order) and other names to its member sources;
// kInvalidArgument naming the configured ones otherwise. `sources` must outlive the resolver.
SourceResolver failover_resolver(sources::FailoverSource& sources);

class JobHistory;

struct JobInfo {
  std::string id;  // "job-000001"
  IngestJobSpec spec;
  std::string source;  // name of the source the job fetches from; "" until it ran
  std::string description;  // spec.describe()
  int64_t submitted_at_ms = 0;
  ProgressSnapshot progress;
  int64_t quality_findings = 0;  // as recorded in data_quality_metrics when finished
};

class JobRunner {
 public:
  // `history` (may be null: nothing persisted) must outlive the runner.
  JobRunner(const IngestPipeline& pipeline, SourceResolver sources, const Clock& clock,
            JobRunnerOptions options = {}, JobHistory* history = nullptr);
  ~JobRunner();
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  // The job's id, or kResourceExhausted when queue_capacity jobs are already waiting.
  Result<std::string> submit(IngestJobSpec spec);
  // Call once before the first submit(): marks jobs an earlier process left queued or running
  // as failed (interrupted), loads the newest keep_finished jobs and continues their ids.
  Status restore_history();

  // kNotFound naming the id when unknown (never submitted, or beyond the history's bound).
  Result<JobInfo> get(const std::string& id) const;
  // Queued and running jobs, then finished ones (with the history's, at most keep_finished),
  // newest first.
  std::vector<JobInfo> list() const;
  // Queued: cancelled at once. Running: stops after the current chunk. Finished:
  // kFailedPrecondition. Unknown: kNotFound.
  Status cancel(const std::string& id);
  // Blocks until the job finished or `timeout_ms` of real time passed; true when finished.
  bool wait(const std::string& id, int64_t timeout_ms) const;

  size_t queued() const;

 private:
  struct Entry {
    std::string id;
    IngestJobSpec spec;
    int64_t submitted_at_ms = 0;
    std::unique_ptr<IngestProgress> progress;
    std::optional<ProgressSnapshot> restored;  // set for jobs read back from the history
    std::string source;  // GUARDED_BY(mutex_): resolved source name
    bool done = false;   // GUARDED_BY(mutex_): finished and filed in finished_
  };

  void work();
  void run_entry(Entry& entry);
  void forget_old_locked();  // REQUIRES: mutex_ held
  JobInfo info(const Entry& entry) const;  // REQUIRES: mutex_ held
  // Writes the job's state to the history (if any); failures are logged, the job goes on.
  // Never called with mutex_ held (the store publishes DataChanged to subscribers).
  void record(const JobInfo& job) const;

  const IngestPipeline& pipeline_;
  SourceResolver sources_;
  const Clock& clock_;
  JobRunnerOptions options_;
  JobHistory* history_;

  mutable std::mutex mutex_;
  std::condition_variable work_cv_;
  mutable std::condition_variable done_cv_;
  std::map<std::string, std::shared_ptr<Entry>> jobs_;  // GUARDED_BY(mutex_)
  std::deque<std::shared_ptr<Entry>> queue_;            // GUARDED_BY(mutex_)
  std::deque<std::string> finished_;                    // GUARDED_BY(mutex_), oldest first
  uint64_t next_id_ = 1;                                // GUARDED_BY(mutex_)
  bool stopping_ = false;                               // GUARDED_BY(mutex_)
  std::vector<std::thread> workers_;
};

}  // namespace mystocks::services
