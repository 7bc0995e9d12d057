// AuditLog: the `audit_log` table of who did what, from where, with which outcome: every
// authentication event and every write (ARCHITECTURE.md "Security"). Records are queued in
// memory and written in batches by one background thread, so a request never waits on the
// store; the queue is bounded and a full queue makes record() wait for the writer rather than
// drop an entry. stop() (or the destructor) writes everything still queued.
// Thread-safety: record() and query() from any thread; start()/stop() from the owner.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/metrics.h"
#include "services/data_manager.h"

namespace mystocks::services {

struct AuditEvent {
  int64_t at_ms = 0;  // 0 = now
  std::string subject;   // user id; empty for anonymous callers
  std::string username;
  std::string auth_method = "anonymous";
  std::string client_address;
  std::string action;   // "POST /api/v1/orders", "login", "socket:publish", ...
  std::string outcome;  // ok | denied | failed | error
  int http_status = 0;  // 0 = not an HTTP answer
  std::string request_id;
  std::string detail;
};

struct AuditQuery {
  std::string subject;        // "" = everyone
  std::string action_prefix;  // "" = every action
  std::string outcome;        // "" = every outcome
  int64_t since_ms = 0;
  int64_t until_ms = 0;  // 0 = no bound
  int64_t limit = 100;
  int64_t offset = 0;
};

class AuditLog {
 public:
  AuditLog(DataManager& data, const Clock& clock, MetricsRegistry& metrics,
           size_t max_queued = 10000);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  void start();
  void stop();

  void record(AuditEvent event);
  // Writes what is queued now (tests and the admin route call it before reading).
  Status flush();

  // Newest first. total: rows matching (for pagination).
  Result<RecordBatch> query(const AuditQuery& query, int64_t* total);

 private:
  void run();
  Status write(std::vector<AuditEvent> events);

  DataManager& data_;
  const Clock& clock_;
  const size_t max_queued_;
  std::mutex mutex_;
  std::condition_variable wake_;       // the writer: something queued or stopping
  std::condition_variable has_space_;  // record(): the queue drained
  std::deque<AuditEvent> queue_;       // GUARDED_BY(mutex_)
  bool stopping_ = false;              // GUARDED_BY(mutex_)
  std::mutex write_mutex_;             // one batch write at a time (writer thread or flush())
  std::thread writer_;
  Counter& written_;
  Counter& failures_;
};

}  // namespace mystocks::services
