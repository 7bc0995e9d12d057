// LiveIngest: runs the simulator's live feed into the stores. Each pump() pulls what the feed
// produced since the previous one (LiveFeed::next_batch) and saves it through the DataManager -
// ticks, order-book depth, index snapshots, derived realtime quotes and closed 1-minute bars -
// whose DataChanged events push the rows to realtime rooms. Forming 1-minute bars (final =
// false) are not stored: they go to the forming-bar sink, if one is set, after the batch's
// saves. start() pumps on a background thread every poll_interval_ms; stop() (or the
// destructor) ends it after the current pump.
// A failed save is counted and logged, and the feed moves on: a live market does not wait for a
// store that is down (the rows are still in the simulator's history for a later ingest).
// Thread-safety: start/stop/stats/set_forming_bar_sink from any thread; pump() from one thread at
// a time (the background thread when started, tests otherwise). The sink runs on the pumping
// thread with no LiveIngest lock held.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/clock.h"
#include "core/metrics.h"
#include "core/status.h"
#include "services/data_manager.h"
#include "sources/simulator/live_feed.h"
#include "storage/table_schema.h"

namespace mystocks::services {

struct LiveIngestOptions {
  int64_t poll_interval_ms = 250;  // wall ms between pulls; bounds the push latency
};

struct LiveIngestStats {
  int64_t pumps = 0;
  int64_t rows_saved = 0;
  int64_t failures = 0;
  TimestampMs market_time = 0;  // how far the feed has played (market clock)
  std::string last_error;       // empty when the last pump succeeded
};

class LiveIngest {
 public:
  LiveIngest(std::unique_ptr<sources::LiveFeed> feed, DataManager& data, MetricsRegistry& metrics,
             LiveIngestOptions options = {});
  ~LiveIngest();
  LiveIngest(const LiveIngest&) = delete;
  LiveIngest& operator=(const LiveIngest&) = delete;

  void start();
  void stop();
  // One pull and save, at the feed's clock. Returns the first save error (the others are
  // still attempted).
  Status pump();
  LiveIngestStats stats() const;

  // Receives each batch's forming bars (minute_kline schema, rows with final = false; see
  // LiveBatch::forming_bars), after that batch's saves, on the pumping thread and outside every
  // LiveIngest lock; never called with an empty batch. Replaces the previous sink; an empty
  // function removes it. The sink should be quick (it delays the next pump) and must not call
  // pump(); an exception from it is logged and counted as a failed pump.
  using FormingBarSink =
      std::function<void(const storage::TableSchema& table, const RecordBatch& rows)>;
  void set_forming_bar_sink(FormingBarSink sink);

 private:
  void run();
  Status save(const std::string& table, const RecordBatch& rows);
  Status publish_forming(const RecordBatch& rows);

  std::unique_ptr<sources::LiveFeed> feed_;
  DataManager& data_;
  LiveIngestOptions options_;
  Counter& rows_saved_;
  Counter& failures_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;     // GUARDED_BY(mutex_)
  LiveIngestStats stats_;     // GUARDED_BY(mutex_)
  std::thread thread_;
  const storage::TableSchema* minute_table_ = nullptr;  // the sink's schema; null: no sink calls
  FormingBarSink forming_sink_;                         // GUARDED_BY(mutex_)
};

}  // namespace mystocks::services
