// LiveFeed: the simulator's live mode. A pull API: next_batch(now) returns, in time order, every
// Level-1 snapshot (tick table) and index snapshot (index_quote table) whose market time passed
// since the previous call, where market time comes from a SessionClock (speed factor, optional
// always-open demo session). The lead wires it to the realtime fan-out and DataManager::save;
// tests drive it with a ManualClock, no sleeps.
//
// The snapshots are the simulator's historical ticks of the same day (same seed, same values),
// so what was streamed live equals what a later ingest of that day stores. In always-open mode a
// date the exchanges do not trade (a weekend, or a time after the close) shows the model of the
// next trading day with its time stamps moved onto the session date.
//
// Bounds: at most max_rows tick rows per call (whole 3-second marks only: a mark's snapshots of
// every symbol arrive together); the rest follows on the next call (caught_up = false). Quotes and
// 1-minute bars derived from the snapshots come with them: closed bars, and forming bars of the
// minute still open (forming_bars.h). Memory:
// one minute plan per symbol for the current session date (about 23 KB per symbol).
//
// Depth: one order_book_depth row per security per 3-second mark from the 09:25 match on, the
// book of that mark's tick (depth_rows.h). Every mark rather than a coarser cadence because the
// book changes with every snapshot and a sparser depth stream would disagree with the tick
// stream's bid/ask 1 between its rows; the volume equals the tick rows' (300 symbols at speed 1:
// 100 rows/s), which the tick table already carries, and max_rows bounds it with the ticks.
// There is no historical depth dataset: the same book is in the historical tick rows.
// Thread-safety: one owner; next_batch must not run concurrently with itself.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "core/clock.h"
#include "core/record_batch.h"
#include "core/status.h"
#include "core/symbol.h"
#include "sources/simulator/market_simulator.h"
#include "sources/simulator/session_clock.h"
#include "storage/table_schema.h"

namespace mystocks::sources {

struct LiveOptions {
  double speed = 1.0;           // market ms per wall ms (sources.live_speed); > 0
  bool always_open = false;     // demo session clock (sources.live_always_open)
  int64_t max_rows = 100000;    // tick rows per next_batch (sources.live_max_rows); >= 1
  std::vector<Symbol> symbols;  // securities to stream; empty = the whole universe
  bool index_quotes = true;     // also stream the simulated indices
  // The newest market instant the store holds from an earlier run (nullopt = none): the feed
  // continues after it, see resume_session in session_clock.h. Demo restarts set it.
  std::optional<TimestampMs> resume_after;
};

struct LiveBatch {
  RecordBatch ticks;            // tick table, ordered by ts then symbol
  RecordBatch index_quotes;     // index_quote table, ordered by ts then symbol
  // realtime_quote table: each security's newest snapshot of this batch, in symbol order (empty
  // when tables.yaml lacks the table).
  RecordBatch quotes;
  // minute_kline table: the 1-minute bars (frequency "1m", ts = bar start) of every minute whose
  // last snapshot is in this batch, ordered by ts then symbol; equal to the simulator's
  // historical bars of the model day (empty when tables.yaml lacks the table).
  RecordBatch minute_bars;
  TimestampMs market_time = 0;  // how far the feed has emitted, market clock
  bool caught_up = true;        // false when max_rows cut the batch short: call again
  // order_book_depth table: each security's book at every mark of this batch from the 09:25
  // match on (levels 6-10 null), ordered by ts then symbol; equal to the bid/ask 1-5 of the
  // tick rows at the same ts (empty when tables.yaml lacks the table).
  RecordBatch depth;
  // minute_kline table, not for storing: when the batch's newest mark leaves a minute open, each
  // trading security's bar of that minute so far (frequency "1m", ts = bar start, final =
  // false), in symbol order. Empty when the batch emitted no snapshot of an open minute (nothing
  // changed, or its newest mark closed the minute: the closed bar is in minute_bars), or when
  // tables.yaml lacks the table. Over the minute's last mark it would equal the closed bar.
  RecordBatch forming_bars;
};

class LiveFeed {
 public:
  // Starts at the clock's current time: the first batch holds what happens after creation;
  // with options.resume_after, after that point instead (resume_session).
  static Result<std::unique_ptr<LiveFeed>> create(
      std::shared_ptr<const MarketSimulator> simulator,
      std::shared_ptr<const storage::TableCatalog> catalog, const Clock& clock,
      LiveOptions options);

  // Everything whose market time is in (previous market time, market_time(now)].
  Result<LiveBatch> next_batch(TimestampMs now);
  // Same at the injected clock's now.
  Result<LiveBatch> next_batch() { return next_batch(clock_->now_ms()); }

  TimestampMs market_time(TimestampMs now) const { return session_clock_.market_time(now); }
  const SessionClock& session_clock() const { return session_clock_; }

  ~LiveFeed();
  LiveFeed(const LiveFeed&) = delete;
  LiveFeed& operator=(const LiveFeed&) = delete;

 private:
  struct Session;  // plans and snapshot buffers of one session date

  LiveFeed(std::shared_ptr<const MarketSimulator> simulator,
           std::shared_ptr<const storage::TableCatalog> catalog, const storage::TableSchema& tick,
           const storage::TableSchema& index_quote, const Clock& clock, LiveOptions options,
           std::vector<uint32_t> securities);

  // The first snapshot mark after `after` (market time), or nullopt when none within a month.
  std::optional<TimestampMs> next_mark(TimestampMs after) const;
  bool is_session_date(Date date) const;
  // The trading day whose model plays on `date` (-1 when none).
  int model_day(Date date) const;
  Session& session_for(Date date);
  // The forming bars of the current session's open minute (live_feed.cc: OpenMinute).
  struct OpenMinute;
  Result<RecordBatch> forming_bars(const OpenMinute& open) const;

  std::shared_ptr<const MarketSimulator> simulator_;
  std::shared_ptr<const storage::TableCatalog> catalog_;  // keeps the two tables below alive
  const storage::TableSchema* tick_table_;
  const storage::TableSchema* index_table_;
  const storage::TableSchema* quote_table_ = nullptr;   // optional output
  const storage::TableSchema* minute_table_ = nullptr;  // optional output
  const storage::TableSchema* depth_table_ = nullptr;   // optional output
  const Clock* clock_;
  LiveOptions options_;
  SessionClock session_clock_;
  std::vector<uint32_t> securities_;  // in symbol order
  std::vector<uint32_t> indices_;     // in symbol order
  TimestampMs cursor_;                // last market instant emitted
  std::unique_ptr<Session> session_;
};

}  // namespace mystocks::sources
