#include "services/identity/audit_log.h"

#include <chrono>

#include <spdlog/spdlog.h>

#include "core/thread_guard.h"
#include "services/table_rows.h"

namespace mystocks::services {
namespace {

constexpr std::string_view kTable = "audit_log";
constexpr size_t kBatch = 512;

Cell text_or_null(const std::string& text) {
  return text.empty() ? Cell(std::monostate{}) : Cell(text);
}

}  // namespace

AuditLog::AuditLog(DataManager& data, const Clock& clock, MetricsRegistry& metrics,
                   size_t max_queued)
    : data_(data),
      clock_(clock),
      max_queued_(max_queued),
      written_(metrics.counter("mystocks_audit_records_total", "Audit records written.").get()),
      failures_(metrics.counter("mystocks_audit_write_failures_total",
                                "Audit batch writes that failed and will be retried.")
                    .get()) {}

AuditLog::~AuditLog() { stop(); }

void AuditLog::start() {
  std::lock_guard lock(mutex_);
  if (writer_.joinable()) return;
  stopping_ = false;
  writer_ = std::thread([this] { (void)run_thread("audit-writer", [this] { run(); }); });
}

void AuditLog::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (writer_.joinable()) writer_.join();
  if (Status flushed = flush(); !flushed.is_ok()) {
    std::lock_guard lock(mutex_);
    spdlog::error("audit log: {} records could not be written at shutdown: {}", queue_.size(),
                  flushed.message());
  }
}

void AuditLog::record(AuditEvent event) {
  if (event.at_ms == 0) event.at_ms = clock_.now_ms();
  std::unique_lock lock(mutex_);
  // Waiting here is the bound: an audit trail that drops entries under load is no audit trail.
  has_space_.wait(lock, [&] { return queue_.size() < max_queued_ || !writer_.joinable(); });
  queue_.push_back(std::move(event));
  const bool batch_ready = queue_.size() >= kBatch;
  const bool write_here = !writer_.joinable() && queue_.size() >= max_queued_;
  lock.unlock();
  if (batch_ready) wake_.notify_one();
  // Without the writer thread (command-line tools) the caller writes, keeping the same bound.
  if (write_here) (void)flush();
}

Status AuditLog::flush() {
  std::lock_guard write_lock(write_mutex_);
  while (true) {
    std::vector<AuditEvent> batch;
    {
      std::lock_guard lock(mutex_);
      while (!queue_.empty() && batch.size() < kBatch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    if (batch.empty()) return Status::ok();
    has_space_.notify_all();
    if (Status status = write(batch); !status.is_ok()) {
      failures_.inc();
      std::lock_guard lock(mutex_);
      for (auto it = batch.rbegin(); it != batch.rend(); ++it) queue_.push_front(std::move(*it));
      return status;
    }
    written_.inc(static_cast<double>(batch.size()));
  }
}

void AuditLog::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, std::chrono::milliseconds(200),
                   [&] { return stopping_ || queue_.size() >= kBatch; });
    if (queue_.empty()) continue;
    lock.unlock();
    // A flush that throws is reported by the guard and retried like a failed write.
    if (Status status = guard_thread_work("audit-writer", [this] { return flush(); });
        !status.is_ok()) {
      spdlog::warn("audit log: write failed, will retry: {}", status.message());
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    lock.lock();
  }
}

Status AuditLog::write(std::vector<AuditEvent> events) {
  Result<const storage::TableSchema*> table = data_.catalog().find(kTable);
  MYSTOCKS_RETURN_IF_ERROR(table.status());
  std::vector<std::vector<Cell>> rows;
  rows.reserve(events.size());
  for (AuditEvent& event : events) {
    rows.push_back(
        {new_id("a", clock_), event.at_ms, text_or_null(event.subject),
         text_or_null(event.username), std::move(event.auth_method),
         text_or_null(event.client_address), std::move(event.action), std::move(event.outcome),
         event.http_status > 0 ? Cell(int64_t{event.http_status}) : Cell(std::monostate{}),
         text_or_null(event.request_id), text_or_null(event.detail)});
  }
  Result<RecordBatch> batch = make_rows(
      **table,
      {"audit_id", "at", "subject", "username", "auth_method", "client_address", "action",
       "outcome", "http_status", "request_id", "detail"},
      rows);
  MYSTOCKS_RETURN_IF_ERROR(batch.status());
  return data_.save(std::string(kTable), *batch).status();
}

Result<RecordBatch> AuditLog::query(const AuditQuery& query, int64_t* total) {
  LoadQuery load;
  if (!query.subject.empty()) load.filters.push_back(storage::eq("subject", query.subject));
  if (!query.outcome.empty()) load.filters.push_back(storage::eq("outcome", query.outcome));
  if (!query.action_prefix.empty()) {
    load.filters.push_back({"action", storage::FilterOp::kStartsWith, {query.action_prefix}});
  }
  if (query.since_ms > 0) {
    load.filters.push_back(storage::cmp("at", storage::FilterOp::kGe, query.since_ms));
  }
  if (query.until_ms > 0) {
    load.filters.push_back(storage::cmp("at", storage::FilterOp::kLt, query.until_ms));
  }
  if (total != nullptr) {
    Result<int64_t> count = data_.count(std::string(kTable), load.filters);
    MYSTOCKS_RETURN_IF_ERROR(count.status());
    *total = *count;
  }
  load.order_by = {{"at", storage::SortOrder::kDescending},
                   {"audit_id", storage::SortOrder::kDescending}};
  load.limit = query.limit;
  load.offset = query.offset;
  return data_.load(std::string(kTable), load);
}

}  // namespace mystocks::services
