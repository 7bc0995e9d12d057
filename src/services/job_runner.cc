#include "services/job_runner.h"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

namespace mystocks::services {

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
                       "source '{}' is not configured: expected one of {}", name, known);
  };
}

JobRunner::JobRunner(const IngestPipeline& pipeline, SourceResolver sources, const Clock& clock,
                     JobRunnerOptions options)
    : pipeline_(pipeline), sources_(std::move(sources)), clock_(clock), options_(options) {
  const int workers = std::clamp(options_.workers, 1, 8);
  for (int worker = 0; worker < workers; ++worker) workers_.emplace_back([this] { work(); });
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
    std::lock_guard lock(mutex_);
    entry->done = true;
  }
  work_cv_.notify_all();
  done_cv_.notify_all();
  for (std::thread& worker : workers_) worker.join();
}

Result<std::string> JobRunner::submit(IngestJobSpec spec) {
  std::shared_ptr<Entry> entry;
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
  }
  work_cv_.notify_one();
  return entry->id;
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
    Result<sources::IDataSource*> source = sources_(entry->spec.source);
    if (!source.is_ok()) {
      entry->progress->finish(source.status());
    } else {
      // The pipeline reports every outcome through the progress; exceptions stop here.
      try {
        (void)pipeline_.run(entry->spec, **source, *entry->progress);
      } catch (const std::exception& failure) {
        entry->progress->finish(
            error(ErrorCode::kInternal, "ingest job {} failed: {}", entry->id, failure.what()));
      }
    }
    {
      std::lock_guard lock(mutex_);
      entry->done = true;
      finished_.push_back(entry->id);
      forget_old_locked();
    }
    done_cv_.notify_all();
  }
}

void JobRunner::forget_old_locked() {
  const int64_t now = clock_.now_ms();
  while (!finished_.empty()) {
    auto found = jobs_.find(finished_.front());
    const int64_t finished_at =
        found == jobs_.end() ? 0 : found->second->progress->snapshot().finished_at_ms;
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
              .description = entry.spec.describe(),
              .submitted_at_ms = entry.submitted_at_ms,
              .progress = entry.progress->snapshot()};
  out.quality_findings = out.progress.quality_findings;
  return out;
}

Result<JobInfo> JobRunner::get(const std::string& id) const {
  std::lock_guard lock(mutex_);
  auto found = jobs_.find(id);
  if (found == jobs_.end()) {
    return field_error(ErrorCode::kNotFound, "id",
                       "ingest job '{}' is unknown (finished jobs are kept for {} s, at most {})",
                       id, options_.keep_finished_ms / 1000, options_.keep_finished);
  }
  return info(*found->second);
}

std::vector<JobInfo> JobRunner::list() const {
  std::vector<JobInfo> jobs;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, entry] : jobs_) jobs.push_back(info(*entry));
  }
  std::stable_sort(jobs.begin(), jobs.end(), [](const JobInfo& a, const JobInfo& b) {
    const bool a_done = is_finished(a.progress.state), b_done = is_finished(b.progress.state);
    if (a_done != b_done) return !a_done;
    return a.id > b.id;  // ids grow with submission
  });
  return jobs;
}

Status JobRunner::cancel(const std::string& id) {
  std::lock_guard lock(mutex_);
  {
    auto found = jobs_.find(id);
    if (found == jobs_.end()) {
      return field_error(ErrorCode::kNotFound, "id", "ingest job '{}' is unknown", id);
    }
    const JobState state = found->second->progress->snapshot().state;
    if (is_finished(state)) {
      return field_error(ErrorCode::kFailedPrecondition, "id", "ingest job '{}' already {}", id,
                         job_state_name(state));
    }
    auto queued = std::find(queue_.begin(), queue_.end(), found->second);
    if (queued != queue_.end()) {
      queue_.erase(queued);
      // Lock order: the runner's mutex, then a progress's (which never calls back).
      found->second->progress->finish(
          error(ErrorCode::kCancelled, "ingest job {} cancelled while queued", id));
      found->second->done = true;
      finished_.push_back(id);
      done_cv_.notify_all();
    } else {
      found->second->progress->request_cancel();
    }
  }
  return Status::ok();
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
