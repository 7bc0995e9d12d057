#include "services/job_runner.h"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/thread_guard.h"
#include "services/job_history.h"
#include "sources/source_factory.h"

namespace mystocks::services {

// The name the workers report failures under (logs, metrics, readiness).
constexpr std::string_view kThreadName = "ingest-job-runner";

JobRunnerOptions job_runner_options(const IngestConfig& config) {
  return JobRunnerOptions{.workers = static_cast<int>(config.workers),
                          .queue_capacity = static_cast<size_t>(config.queue_capacity),
                          .keep_finished = static_cast<size_t>(config.keep_finished_jobs),
                          .keep_finished_ms = config.keep_finished_seconds * 1000};
}

SourceResolver failover_resolver(sources::FailoverSource& sources) {
  return [&sources](const std::string& name) -> Result<sources::IDataSource*> {
    if (name.empty()) return static_cast<sources::IDataSource*>(&sources);
    if (sources::IDataSource* found = sources.find(name)) return found;
    std::string known;
    for (const auto& source : sources.sources()) {
      known += (known.empty() ? "" : ", ") + std::string(source->name());
    }
    return field_error(ErrorCode::kInvalidArgument, "source",
                       "source '{}' is not configured: expected one of {}{}", name, known,
                       sources::unconfigured_source_hint(name));
  };
}

JobRunner::JobRunner(const IngestPipeline& pipeline, SourceResolver sources, const Clock& clock,
                     JobRunnerOptions options, JobHistory* history)
    : pipeline_(pipeline),
      sources_(std::move(sources)),
      clock_(clock),
      options_(options),
      history_(history) {
  const int workers = std::clamp(options_.workers, 1, 8);
  for (int worker = 0; worker < workers; ++worker) {
    workers_.emplace_back([this] { (void)run_thread(kThreadName, [this] { work(); }); });
  }
}

JobRunner::~JobRunner() {
  std::vector<std::shared_ptr<Entry>> dropped;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    dropped.assign(queue_.begin(), queue_.end());
    queue_.clear();
    for (auto& [id, entry] : jobs_) entry->progress->request_cancel();
  }
  for (const auto& entry : dropped) {
    entry->progress->finish(error(ErrorCode::kCancelled, "job runner stopped"));
    JobInfo stopped;
    {
      std::lock_guard lock(mutex_);
      entry->done = true;
      stopped = info(*entry);
    }
    record(stopped);
  }
  work_cv_.notify_all();
  done_cv_.notify_all();
  for (std::thread& worker : workers_) worker.join();
}

Result<std::string> JobRunner::submit(IngestJobSpec spec) {
  std::shared_ptr<Entry> entry;
  JobInfo queued;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return error(ErrorCode::kUnavailable, "the job runner is stopping");
    if (queue_.size() >= options_.queue_capacity) {
      return error(ErrorCode::kResourceExhausted,
                   "the ingest queue is full ({} job(s) waiting, ingest.queue_capacity = {}): "
                   "retry when a job has finished",
                   queue_.size(), options_.queue_capacity);
    }
    forget_old_locked();
    entry = std::make_shared<Entry>();
    entry->id = fmt::format("job-{:06}", next_id_++);
    entry->spec = std::move(spec);
    entry->submitted_at_ms = clock_.now_ms();
    entry->progress = std::make_unique<IngestProgress>(clock_);
    jobs_.emplace(entry->id, entry);
    queue_.push_back(entry);
    queued = info(*entry);
  }
  record(queued);
  work_cv_.notify_one();
  return queued.id;
}

Status JobRunner::restore_history() {
  if (history_ == nullptr) return Status::ok();
  Result<std::vector<JobInfo>> restored =
      history_->recover(static_cast<int64_t>(options_.keep_finished));
  if (!restored.is_ok()) return restored.status().with_context("restoring the ingest job history");
  Result<uint64_t> highest = history_->highest_number();
  if (!highest.is_ok()) return highest.status().with_context("restoring the ingest job history");
  std::lock_guard lock(mutex_);
  next_id_ = std::max(next_id_, *highest + 1);
  // Oldest first into finished_, so forget_old_locked drops the oldest first.
  for (auto job = restored->rbegin(); job != restored->rend(); ++job) {
    if (jobs_.contains(job->id)) continue;
    auto entry = std::make_shared<Entry>();
    entry->id = job->id;
    entry->spec = job->spec;
    entry->submitted_at_ms = job->submitted_at_ms;
    entry->progress = std::make_unique<IngestProgress>(clock_);
    entry->restored = job->progress;
    entry->source = job->source;
    entry->done = true;
    jobs_.emplace(entry->id, entry);
    finished_.push_back(entry->id);
  }
  return Status::ok();
}

void JobRunner::record(const JobInfo& job) const {
  if (history_ == nullptr) return;
  if (Status recorded = history_->record(job); !recorded.is_ok()) {
    spdlog::warn("ingest job {}: its state ({}) is not in the job history: {}", job.id,
                 job_state_name(job.progress.state), recorded.to_string());
  }
}

void JobRunner::work() {
  while (true) {
    std::shared_ptr<Entry> entry;
    {
      std::unique_lock lock(mutex_);
      work_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      entry = queue_.front();
      queue_.pop_front();
    }
    run_entry(*entry);
    JobInfo finished;
    {
      std::lock_guard lock(mutex_);
      finished = info(*entry);
    }
    record(finished);  // before waiters wake: whoever waited reads the history afterwards
    {
      std::lock_guard lock(mutex_);
      entry->done = true;
      finished_.push_back(entry->id);
      forget_old_locked();
    }
    done_cv_.notify_all();
  }
}

void JobRunner::run_entry(Entry& entry) {
  Result<sources::IDataSource*> source = sources_(entry.spec.source);
  if (!source.is_ok()) {
    entry.progress->finish(source.status());
    return;
  }
  entry.progress->start(0);
  JobInfo running;
  {
    std::lock_guard lock(mutex_);
    entry.source = std::string((*source)->name());
    running = info(entry);
  }
  record(running);
  // The pipeline reports every outcome through the progress; exceptions stop here.
  Status failed = guard_thread_work(
      kThreadName, [&] { (void)pipeline_.run(entry.spec, **source, *entry.progress); });
  if (!failed.is_ok()) {
    entry.progress->finish(
        error(ErrorCode::kInternal, "ingest job {} failed: {}", entry.id, failed.message()));
  }
}

void JobRunner::forget_old_locked() {
  const int64_t now = clock_.now_ms();
  while (!finished_.empty()) {
    auto found = jobs_.find(finished_.front());
    const int64_t finished_at =
        found == jobs_.end() ? 0 : info(*found->second).progress.finished_at_ms;
    const bool expired =
        found == jobs_.end() || (finished_at > 0 && now - finished_at > options_.keep_finished_ms);
    if (!expired && finished_.size() <= options_.keep_finished) break;
    if (found != jobs_.end()) jobs_.erase(found);
    finished_.pop_front();
  }
}

JobInfo JobRunner::info(const Entry& entry) const {
  JobInfo out{.id = entry.id,
              .spec = entry.spec,
              .source = entry.source,
              .description = entry.spec.describe(),
              .submitted_at_ms = entry.submitted_at_ms,
              .progress = entry.restored ? *entry.restored : entry.progress->snapshot()};
  out.quality_findings = out.progress.quality_findings;
  return out;
}

Result<JobInfo> JobRunner::get(const std::string& id) const {
  {
    std::lock_guard lock(mutex_);
    auto found = jobs_.find(id);
    if (found != jobs_.end()) return info(*found->second);
  }
  if (history_ != nullptr) {
    Result<std::optional<JobInfo>> stored = history_->find(id);
    if (!stored.is_ok()) return stored.status();
    if (stored->has_value()) return std::move(**stored);
    return field_error(ErrorCode::kNotFound, "id",
                       "ingest job '{}' is unknown (the history keeps the newest {} jobs, "
                       "ingest.history_jobs)",
                       id, history_->keep_jobs());
  }
  return field_error(ErrorCode::kNotFound, "id",
                     "ingest job '{}' is unknown (finished jobs are kept for {} s, at most {})",
                     id, options_.keep_finished_ms / 1000, options_.keep_finished);
}

std::vector<JobInfo> JobRunner::list() const {
  std::vector<JobInfo> jobs;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, entry] : jobs_) jobs.push_back(info(*entry));
  }
  if (history_ != nullptr) {
    // Finished jobs this process forgot (or an earlier one ran), up to keep_finished.
    Result<std::vector<JobInfo>> stored =
        history_->newest(static_cast<int64_t>(options_.keep_finished));
    if (stored.is_ok()) {
      for (JobInfo& job : *stored) {
        const bool known = std::any_of(jobs.begin(), jobs.end(),
                                       [&](const JobInfo& held) { return held.id == job.id; });
        if (!known && is_finished(job.progress.state)) jobs.push_back(std::move(job));
      }
    } else {
      spdlog::warn("listing ingest jobs without the history: {}", stored.status().to_string());
    }
  }
  std::stable_sort(jobs.begin(), jobs.end(), [](const JobInfo& a, const JobInfo& b) {
    const bool a_done = is_finished(a.progress.state), b_done = is_finished(b.progress.state);
    if (a_done != b_done) return !a_done;
    return a.id > b.id;  // ids grow with submission
  });
  return jobs;
}

Status JobRunner::cancel(const std::string& id) {
  JobInfo cancelled;
  {
    std::lock_guard lock(mutex_);
    auto found = jobs_.find(id);
    if (found == jobs_.end()) {
      // A finished job only the history still holds gets the same 409 as one in memory.
      if (history_ == nullptr) {
        return field_error(ErrorCode::kNotFound, "id", "ingest job '{}' is unknown", id);
      }
    } else {
      const JobState state = info(*found->second).progress.state;
      if (is_finished(state)) {
        return field_error(ErrorCode::kFailedPrecondition, "id", "ingest job '{}' already {}",
                           id, job_state_name(state));
      }
      auto queued = std::find(queue_.begin(), queue_.end(), found->second);
      if (queued == queue_.end()) {
        found->second->progress->request_cancel();
        return Status::ok();
      }
      queue_.erase(queued);
      // Lock order: the runner's mutex, then a progress's (which never calls back).
      found->second->progress->finish(
          error(ErrorCode::kCancelled, "ingest job {} cancelled while queued", id));
      found->second->done = true;
      finished_.push_back(id);
      cancelled = info(*found->second);
      done_cv_.notify_all();
    }
  }
  if (!cancelled.id.empty()) {
    record(cancelled);
    return Status::ok();
  }
  Result<JobInfo> stored = get(id);  // the history: kNotFound when it does not know the id
  if (!stored.is_ok()) return stored.status();
  return field_error(ErrorCode::kFailedPrecondition, "id", "ingest job '{}' already {}", id,
                     job_state_name(stored->progress.state));
}

bool JobRunner::wait(const std::string& id, int64_t timeout_ms) const {
  std::unique_lock lock(mutex_);
  auto found = jobs_.find(id);
  if (found == jobs_.end()) return false;
  std::shared_ptr<Entry> entry = found->second;  // stays valid if forgotten meanwhile
  return done_cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                           [&] { return entry->done; });
}

size_t JobRunner::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

}  // namespace mystocks::services
