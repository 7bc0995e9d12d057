// JobHistory: ingest jobs persisted in the relational table `ingest_jobs` (config/tables.yaml),
// so GET /api/v1/data/jobs and /jobs/{id} still show them after a restart. The JobRunner (and
// `mystocks ingest`) call record() on every state change (queued, running, finished); one row
// per job, upserted by job id. recover() runs once at start: a job stored as queued or running
// belonged to a process that died or stopped, so it is rewritten as failed with ABORTED and a
// message saying it was interrupted. The table keeps the newest `keep_jobs` jobs (by submission).
// Thread-safety: every method may be called from any thread (the DataManager is thread-safe and
// the history keeps no mutable state of its own). It never calls back into its callers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "services/data_manager.h"
#include "services/ingest_progress.h"
#include "services/ingest_spec.h"

namespace mystocks::services {

struct JobInfo;

// What one row of ingest_jobs says about a job, besides the JobInfo: where the data came from
// and which table it went to (the series inventory's `source`).
struct JobRecord {
  std::string id;
  std::string table;             // table the dataset is stored in
  std::string source;            // source name the job fetched from
  std::vector<std::string> symbols;  // canonical; empty with all_symbols
  bool all_symbols = false;
};

class JobHistory {
 public:
  inline static const std::string kTable = "ingest_jobs";

  // `keep_jobs` >= 1 (ingest.history_jobs). The manager and clock must outlive the history.
  JobHistory(DataManager& data, const Clock& clock, int64_t keep_jobs);

  // Upserts the job's row; then, for a finished job, drops rows beyond keep_jobs.
  Status record(const JobInfo& job);

  // Marks jobs left queued or running by an earlier process as failed (ABORTED, "interrupted")
  // and returns the newest `limit` jobs, newest first.
  Result<std::vector<JobInfo>> recover(int64_t limit);

  // One stored job; nullopt when the table has no such id.
  Result<std::optional<JobInfo>> find(const std::string& id);
  // The newest `limit` stored jobs, newest first.
  Result<std::vector<JobInfo>> newest(int64_t limit);
  // Jobs that wrote rows, newest first, as the inventory reads them.
  Result<std::vector<JobRecord>> writers();
  // The largest numeric part of a stored id ("job-000042" -> 42); 0 when the table is empty.
  Result<uint64_t> highest_number();
  // The id after the highest stored one, for a job run outside a JobRunner (`mystocks ingest`,
  // which cannot run beside a server on the same data directory).
  Result<std::string> next_id();

  int64_t keep_jobs() const { return keep_jobs_; }

 private:
  Status trim();
  Result<std::vector<JobInfo>> load(const LoadQuery& query);

  DataManager& data_;
  const Clock& clock_;
  int64_t keep_jobs_;
};

// "job-000042" -> 42; 0 for anything else.
uint64_t job_number(const std::string& id);

}  // namespace mystocks::services
