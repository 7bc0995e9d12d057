#include "services/live_ingest.h"

#include <chrono>
#include <exception>

#include <spdlog/spdlog.h>

#include "core/thread_guard.h"

namespace mystocks::services {

// The name this thread reports failures under (logs, metrics, readiness).
constexpr std::string_view kThreadName = "live-ingest";

LiveIngest::LiveIngest(std::unique_ptr<sources::LiveFeed> feed, DataManager& data,
                       MetricsRegistry& metrics, LiveIngestOptions options)
    : feed_(std::move(feed)),
      data_(data),
      options_(options),
      rows_saved_(metrics
                      .counter("mystocks_live_rows_saved_total",
                               "Rows the live feed saved through the DataManager")
                      .with({})),
      failures_(metrics
                    .counter("mystocks_live_save_failures_total",
                             "Live-feed saves that failed (the rows were skipped)")
                    .with({})) {
  if (Result<const storage::TableSchema*> found = data_.catalog().find("minute_kline");
      found.is_ok()) {
    minute_table_ = *found;
  }
}

LiveIngest::~LiveIngest() { stop(); }

void LiveIngest::set_forming_bar_sink(FormingBarSink sink) {
  std::lock_guard lock(mutex_);
  forming_sink_ = std::move(sink);
}

void LiveIngest::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { (void)run_thread(kThreadName, [this] { run(); }); });
}

void LiveIngest::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void LiveIngest::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    // Failures are counted, logged and kept in stats(); an exception is reported by the guard
    // and the next poll tries again.
    (void)guard_thread_work(kThreadName, [this] { return pump(); });
    lock.lock();
    wake_.wait_for(lock, std::chrono::milliseconds(options_.poll_interval_ms),
                   [this] { return stopping_; });
  }
}

Status LiveIngest::save(const std::string& table, const RecordBatch& rows) {
  if (rows.num_rows() == 0) return Status::ok();
  Result<SaveReport> saved = data_.save(table, rows, SaveStrategy::kRollback);
  if (!saved.is_ok()) {
    failures_.inc();
    return saved.status();
  }
  rows_saved_.inc(static_cast<double>(saved->rows_written));
  std::lock_guard lock(mutex_);
  stats_.rows_saved += saved->rows_written;
  return Status::ok();
}

Status LiveIngest::publish_forming(const RecordBatch& rows) {
  if (rows.num_rows() == 0 || minute_table_ == nullptr) return Status::ok();
  FormingBarSink sink;
  {
    std::lock_guard lock(mutex_);
    sink = forming_sink_;
  }
  if (!sink) return Status::ok();
  // The sink is the composition root's code on this thread: an exception must not end the pump.
  try {
    sink(*minute_table_, rows);
  } catch (const std::exception& failure) {
    return error(ErrorCode::kInternal, "the forming-bar sink threw: {}", failure.what());
  }
  return Status::ok();
}

Status LiveIngest::pump() {
  Status first_failure = Status::ok();
  bool caught_up = false;
  // A long pause (a stopped debugger, a slow disk) leaves a backlog: drain it in bounded batches.
  while (!caught_up) {
    Result<sources::LiveBatch> batch = feed_->next_batch();
    if (!batch.is_ok()) {
      first_failure = batch.status();
      break;
    }
    caught_up = batch->caught_up;
    // Bars and quotes after the ticks they summarise, so a client never sees a quote ahead of
    // the tick stream; depth right after its ticks (the same books).
    const std::pair<const char*, const RecordBatch*> outputs[] = {
        {"tick", &batch->ticks},
        {"order_book_depth", &batch->depth},
        {"index_quote", &batch->index_quotes},
        {"minute_kline", &batch->minute_bars},
        {"realtime_quote", &batch->quotes}};
    for (const auto& [table, rows] : outputs) {
      Status saved = save(table, *rows);
      if (!saved.is_ok() && first_failure.is_ok()) first_failure = saved;
    }
    // After the saves, so a forming bar never runs ahead of the closed bars and ticks.
    Status published = publish_forming(batch->forming_bars);
    if (!published.is_ok() && first_failure.is_ok()) first_failure = published;
    std::lock_guard lock(mutex_);
    stats_.market_time = batch->market_time;
  }
  std::lock_guard lock(mutex_);
  ++stats_.pumps;
  if (first_failure.is_ok()) {
    stats_.last_error.clear();
  } else {
    ++stats_.failures;
    // Logged once per failing pump, not per row: a store that is down would flood the log.
    if (stats_.last_error != first_failure.message()) {
      spdlog::warn("live feed: {}", first_failure.to_string());
    }
    stats_.last_error = first_failure.message();
  }
  return first_failure;
}

LiveIngestStats LiveIngest::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

}  // namespace mystocks::services
