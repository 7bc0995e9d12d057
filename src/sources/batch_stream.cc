#include "sources/batch_stream.h"

#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/thread_guard.h"

namespace mystocks::sources {
namespace {

class SingleBatchStream final : public BatchStream {
 public:
  explicit SingleBatchStream(RecordBatch batch) : batch_(std::move(batch)) {}

  Result<std::optional<RecordBatch>> next() override {
    if (!batch_) return std::optional<RecordBatch>();
    std::optional<RecordBatch> out = std::move(batch_);
    batch_.reset();
    return out;
  }

 private:
  std::optional<RecordBatch> batch_;
};

class ReadAheadStream final : public BatchStream {
 public:
  explicit ReadAheadStream(std::unique_ptr<BatchStream> inner) : inner_(std::move(inner)) {
    producer_ = std::thread([this] { (void)run_thread("read-ahead", [this] { produce(); }); });
  }

  ~ReadAheadStream() override {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    changed_.notify_all();
    producer_.join();
  }

  Result<std::optional<RecordBatch>> next() override {
    std::unique_lock lock(mutex_);
    if (finished_) return std::optional<RecordBatch>();
    changed_.wait(lock, [&] { return ready_.has_value(); });
    Result<std::optional<RecordBatch>> out = std::move(*ready_);
    ready_.reset();
    if (!out.is_ok() || !out->has_value()) finished_ = true;
    lock.unlock();
    changed_.notify_all();
    return out;
  }

 private:
  void produce() {
    while (true) {
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return stop_ || !ready_.has_value(); });
        if (stop_) return;
      }
      // Parsing runs outside the lock, so the consumer may take the previous batch meanwhile.
      // A parser that throws ends the stream with the failure, so the consumer never waits for
      // a batch that will not come.
      Result<std::optional<RecordBatch>> batch = std::optional<RecordBatch>();
      if (Status failed = guard_thread_work("read-ahead", [&] { batch = inner_->next(); });
          !failed.is_ok()) {
        batch = failed;
      }
      const bool last = !batch.is_ok() || !batch->has_value();
      {
        std::lock_guard lock(mutex_);
        ready_.emplace(std::move(batch));
      }
      changed_.notify_all();
      if (last) return;
    }
  }

  std::unique_ptr<BatchStream> inner_;  // used by the producer thread only
  std::mutex mutex_;
  std::condition_variable changed_;
  std::optional<Result<std::optional<RecordBatch>>> ready_;  // GUARDED_BY(mutex_)
  bool stop_ = false;                                        // GUARDED_BY(mutex_)
  bool finished_ = false;                                    // GUARDED_BY(mutex_)
  std::thread producer_;
};

}  // namespace

std::unique_ptr<BatchStream> single_batch_stream(RecordBatch batch) {
  return std::make_unique<SingleBatchStream>(std::move(batch));
}

std::unique_ptr<BatchStream> read_ahead(std::unique_ptr<BatchStream> inner) {
  return std::make_unique<ReadAheadStream>(std::move(inner));
}

}  // namespace mystocks::sources
