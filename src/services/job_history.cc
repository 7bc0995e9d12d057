#include "services/job_history.h"

#include <algorithm>
#include <charconv>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "services/ingest_plan.h"
#include "services/job_json.h"
#include "services/job_runner.h"
#include "services/table_rows.h"

namespace mystocks::services {
namespace {

const std::vector<std::string> kColumns = {
    "job_id",        "state",         "dataset",          "table_name",   "source",
    "symbols",       "spec",          "description",      "submitted_at", "started_at",
    "finished_at",   "rows_fetched",  "rows_written",     "rows_rejected", "rows_skipped",
    "chunks_done",   "chunks_total",  "quality_findings", "elapsed_ms",   "rows_per_second",
    "error_code",    "error",         "registered_symbols", "updated_at"};

Cell time_cell(int64_t ms) { return ms == 0 ? Cell{} : Cell{ms}; }

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

std::vector<std::string> split(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    out.emplace_back(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

Result<JobState> parse_state(const std::string& name) {
  for (JobState state : {JobState::kQueued, JobState::kRunning, JobState::kSucceeded,
                         JobState::kFailed, JobState::kCancelled}) {
    if (job_state_name(state) == name) return state;
  }
  return error(ErrorCode::kDataLoss, "ingest_jobs: state '{}' is not a job state", name);
}

int64_t optional_int(const RecordBatch& rows, std::string_view column, size_t row) {
  const Column* values = rows.column(column);
  return values == nullptr || values->is_null(row) ? 0 : values->as<int64_t>()[row];
}

std::string optional_text(const RecordBatch& rows, std::string_view column, size_t row) {
  const Column* values = rows.column(column);
  return values == nullptr || values->is_null(row) ? std::string() : values->as<std::string>()[row];
}

// A stored row back as a JobInfo; the spec is parsed with no source list (any stored name).
Result<JobInfo> job_from_row(const RecordBatch& rows, size_t row) {
  JobInfo job;
  job.id = string_at(rows, "job_id", row);
  boost::system::error_code parse_error;
  const boost::json::value spec_json = boost::json::parse(string_at(rows, "spec", row), parse_error);
  if (parse_error) {
    return error(ErrorCode::kDataLoss, "ingest_jobs: job {} has a spec that is not JSON: {}",
                 job.id, parse_error.message());
  }
  Result<IngestJobSpec> spec = parse_job_spec(spec_json);
  if (!spec.is_ok()) return spec.status().with_context("ingest_jobs: job " + job.id);
  job.spec = std::move(*spec);
  job.description = string_at(rows, "description", row);
  job.source = string_at(rows, "source", row);
  job.submitted_at_ms = int64_at(rows, "submitted_at", row);
  Result<JobState> state = parse_state(string_at(rows, "state", row));
  if (!state.is_ok()) return state.status();
  ProgressSnapshot& progress = job.progress;
  progress.state = *state;
  progress.rows_fetched = int64_at(rows, "rows_fetched", row);
  progress.rows_written = int64_at(rows, "rows_written", row);
  progress.rows_rejected = int64_at(rows, "rows_rejected", row);
  progress.rows_skipped = int64_at(rows, "rows_skipped", row);
  progress.chunks_done = int64_at(rows, "chunks_done", row);
  progress.chunks_total = int64_at(rows, "chunks_total", row);
  progress.quality_findings = int64_at(rows, "quality_findings", row);
  progress.elapsed_ms = int64_at(rows, "elapsed_ms", row);
  progress.rows_per_second = rows.column("rows_per_second")->as<double>()[row];
  progress.started_at_ms = optional_int(rows, "started_at", row);
  progress.finished_at_ms = optional_int(rows, "finished_at", row);
  progress.error_code = static_cast<ErrorCode>(rows.column("error_code")->as<int32_t>()[row]);
  progress.error = optional_text(rows, "error", row);
  const std::string registered = optional_text(rows, "registered_symbols", row);
  if (!registered.empty()) progress.registered_symbols = split(registered);
  job.quality_findings = progress.quality_findings;
  return job;
}

// The message an interrupted job carries; says what to do about it.
std::string interrupted_message(const JobInfo& job) {
  return fmt::format(
      "interrupted: the process running ingest job {} stopped while it was {} (crash, kill or "
      "restart); chunks already written stay stored, so submitting the same job again resumes "
      "where it stopped",
      job.id, job_state_name(job.progress.state));
}

}  // namespace

uint64_t job_number(const std::string& id) {
  if (!id.starts_with("job-")) return 0;
  uint64_t number = 0;
  const char* begin = id.data() + 4;
  const char* end = id.data() + id.size();
  auto [stop, ec] = std::from_chars(begin, end, number);
  return ec == std::errc() && stop == end ? number : 0;
}

JobHistory::JobHistory(DataManager& data, const Clock& clock, int64_t keep_jobs)
    : data_(data), clock_(clock), keep_jobs_(std::max<int64_t>(keep_jobs, 1)) {}

Status JobHistory::record(const JobInfo& job) {
  Result<const storage::TableSchema*> table = data_.catalog().find(kTable);
  if (!table.is_ok()) return table.status();
  const IngestJobSpec& spec = job.spec;
  const ProgressSnapshot& progress = job.progress;
  std::vector<std::string> symbols;
  for (const Symbol& symbol : spec.symbols) symbols.push_back(symbol.to_string());
  const std::vector<Cell> row = {
      job.id,
      std::string(job_state_name(progress.state)),
      spec.dataset.to_string(),
      table_for(spec.dataset),
      job.source.empty() ? (spec.source.empty() ? std::string("failover") : spec.source)
                         : job.source,
      spec.all_symbols ? std::string("*") : join(symbols),
      boost::json::serialize(job_spec_json(spec)),
      job.description,
      job.submitted_at_ms,
      time_cell(progress.started_at_ms),
      time_cell(progress.finished_at_ms),
      progress.rows_fetched,
      progress.rows_written,
      progress.rows_rejected,
      progress.rows_skipped,
      progress.chunks_done,
      progress.chunks_total,
      progress.quality_findings,
      progress.elapsed_ms,
      progress.rows_per_second,
      static_cast<int64_t>(progress.error_code),
      progress.error.empty() ? Cell{} : Cell{progress.error},
      progress.registered_symbols.empty() ? Cell{} : Cell{join(progress.registered_symbols)},
      clock_.now_ms()};
  Result<RecordBatch> batch = make_rows(**table, kColumns, {row});
  if (!batch.is_ok()) return batch.status();
  Result<SaveReport> saved = data_.save(kTable, *batch, SaveStrategy::kRollback);
  if (!saved.is_ok()) return saved.status().with_context("recording ingest job " + job.id);
  return is_finished(progress.state) ? trim() : Status::ok();
}

Status JobHistory::trim() {
  // The submission time of the oldest job to keep; everything submitted before it goes.
  LoadQuery query;
  query.columns = {"submitted_at"};
  query.order_by = {{"submitted_at", storage::SortOrder::kDescending}};
  query.limit = 1;
  query.offset = keep_jobs_ - 1;
  Result<RecordBatch> oldest_kept = data_.load(kTable, query);
  if (!oldest_kept.is_ok()) return oldest_kept.status();
  if (oldest_kept->num_rows() == 0) return Status::ok();
  const int64_t cutoff = int64_at(*oldest_kept, "submitted_at", 0);
  return data_.transaction([&](storage::RelationalOps& ops) {
    return ops.erase(kTable, {storage::cmp("submitted_at", storage::FilterOp::kLt, cutoff)})
        .status();
  });
}

Result<std::vector<JobInfo>> JobHistory::load(const LoadQuery& query) {
  Result<RecordBatch> rows = data_.load(kTable, query);
  if (!rows.is_ok()) return rows.status();
  std::vector<JobInfo> jobs;
  for (size_t row = 0; row < rows->num_rows(); ++row) {
    Result<JobInfo> job = job_from_row(*rows, row);
    if (!job.is_ok()) return job.status();
    jobs.push_back(std::move(*job));
  }
  return jobs;
}

Result<std::vector<JobInfo>> JobHistory::recover(int64_t limit) {
  LoadQuery unfinished;
  unfinished.filters = {storage::in("state", {std::string("queued"), std::string("running")})};
  Result<std::vector<JobInfo>> left = load(unfinished);
  if (!left.is_ok()) return left.status();
  for (JobInfo& job : *left) {
    job.progress.error = interrupted_message(job);
    job.progress.error_code = ErrorCode::kAborted;
    job.progress.state = JobState::kFailed;
    if (job.progress.finished_at_ms == 0) job.progress.finished_at_ms = clock_.now_ms();
    MYSTOCKS_RETURN_IF_ERROR(record(job));
  }
  return newest(limit);
}

Result<std::optional<JobInfo>> JobHistory::find(const std::string& id) {
  LoadQuery query;
  query.filters = {storage::eq("job_id", id)};
  Result<std::vector<JobInfo>> jobs = load(query);
  if (!jobs.is_ok()) return jobs.status();
  if (jobs->empty()) return std::optional<JobInfo>();
  return std::optional<JobInfo>(std::move(jobs->front()));
}

Result<std::vector<JobInfo>> JobHistory::newest(int64_t limit) {
  LoadQuery query;
  query.order_by = {{"submitted_at", storage::SortOrder::kDescending},
                    {"job_id", storage::SortOrder::kDescending}};
  query.limit = limit;
  return load(query);
}

Result<std::vector<JobRecord>> JobHistory::writers() {
  LoadQuery query;
  query.columns = {"job_id", "table_name", "source", "symbols"};
  query.filters = {storage::cmp("rows_written", storage::FilterOp::kGt, int64_t{0})};
  query.order_by = {{"submitted_at", storage::SortOrder::kDescending},
                    {"job_id", storage::SortOrder::kDescending}};
  Result<RecordBatch> rows = data_.load(kTable, query);
  if (!rows.is_ok()) return rows.status();
  std::vector<JobRecord> out;
  out.reserve(rows->num_rows());
  for (size_t row = 0; row < rows->num_rows(); ++row) {
    JobRecord record;
    record.id = string_at(*rows, "job_id", row);
    record.table = string_at(*rows, "table_name", row);
    record.source = string_at(*rows, "source", row);
    const std::string& symbols = string_at(*rows, "symbols", row);
    record.all_symbols = symbols == "*";
    if (!record.all_symbols) record.symbols = split(symbols);
    out.push_back(std::move(record));
  }
  return out;
}

Result<uint64_t> JobHistory::highest_number() {
  LoadQuery query;
  query.columns = {"job_id"};
  Result<RecordBatch> rows = data_.load(kTable, query);
  if (!rows.is_ok()) return rows.status();
  uint64_t highest = 0;
  for (size_t row = 0; row < rows->num_rows(); ++row) {
    highest = std::max(highest, job_number(string_at(*rows, "job_id", row)));
  }
  return highest;
}

Result<std::string> JobHistory::next_id() {
  Result<uint64_t> highest = highest_number();
  if (!highest.is_ok()) return highest.status();
  return fmt::format("job-{:06}", *highest + 1);
}

}  // namespace mystocks::services
