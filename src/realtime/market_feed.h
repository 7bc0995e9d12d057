// MarketFeed: turns rows saved through the DataManager into room updates. Ticks go to
// "tick:{symbol}", realtime quotes to "quote:{symbol}", 1-minute bars to "kline_1m:{symbol}",
// order-book depth to "depth:{symbol}" and index snapshots to "index:{symbol}"; other tables
// (daily bars, reference data, 5m+ bars) are not pushed. Rows older than the live window are a
// backfill, not news, and are not pushed either. Each row becomes {column: value} with decimals
// as numbers, times as epoch ms and dates as "YYYY-MM-DD".
// Thread-safety: publish_rows() may be called from any thread (the channel is thread-safe).
#pragma once

#include <cstdint>
#include <optional>

#include <boost/json/object.hpp>

#include "core/clock.h"
#include "core/record_batch.h"
#include "realtime/market_channel.h"
#include "storage/table_schema.h"

namespace mystocks::realtime {

class MarketFeed {
 public:
  // live_window_ms: rows with a time older than now - live_window_ms are skipped; 0 pushes all.
  MarketFeed(MarketChannel& channel, const Clock& clock, int64_t live_window_ms = 60000)
      : channel_(channel), clock_(clock), live_window_ms_(live_window_ms) {}

  // The room kind a table feeds (nullopt for tables that are not pushed); minute_kline rows
  // count only when their frequency is 1m.
  static std::optional<RoomKind> room_kind_for(const storage::TableSchema& table);

  // Publishes every live row of `batch` (rows of `table`); returns how many were published.
  size_t publish_rows(const storage::TableSchema& table, const RecordBatch& batch);
  // Publishes forming (not yet final) 1-minute bars of `table` (minute_kline rows, not stored),
  // throttled per symbol by the channel. Returns how many rows were handed to it.
  size_t publish_forming_bars(const storage::TableSchema& table, const RecordBatch& batch);

  // {symbol, data, timestamp} of one row, as rooms carry it; nullopt when the table is not
  // pushed, the row is not a 1-minute bar, or lacks a symbol or time (room snapshots read the
  // stores' newest row through this).
  static std::optional<boost::json::object> row_message(const storage::TableSchema& table,
                                                        const RecordBatch& batch, size_t row);

 private:
  // Rows -> channel: stored rows within the live window, or forming bars (never filtered).
  size_t publish(const storage::TableSchema& table, const RecordBatch& batch, bool forming);

  MarketChannel& channel_;
  const Clock& clock_;
  int64_t live_window_ms_;
};

}  // namespace mystocks::realtime
