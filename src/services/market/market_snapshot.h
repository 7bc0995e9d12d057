// Market snapshot: a cross-section of the market at one moment, one row per symbol: the latest
// quote of every security (realtime_quote's newest row per series, from the time-series store's
// latest-row cache) or every security's daily bar of one trading date (daily_kline, one indexed
// read of that date). Optional filters narrow it to listed symbols, one board (the securities
// master's `board`) or one exchange (the canonical symbol's suffix).
// Invariants of a MarketSnapshot: rows are ascending by symbol, the first column is `symbol`,
// and every requested symbol is either in rows or in missing, never both.
// Rows are read through MarketQuery's cross-sections. Thread-safety: a pure function over
// MarketQuery, which is thread-safe; call from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/record_batch.h"
#include "core/status.h"
#include "core/timestamp.h"
#include "services/market/market_query.h"

namespace mystocks::services {

enum class SnapshotKind : uint8_t { kQuote, kDaily };

struct SnapshotRequest {
  SnapshotKind kind = SnapshotKind::kQuote;
  // kDaily: the trading date; unset = the newest date daily_kline holds. Ignored for kQuote.
  std::optional<Date> date;
  // Canonical symbols; empty = every symbol.
  std::vector<std::string> symbols;
  // "" = every board; else main, chinext, star or bse (symbols.board).
  std::string board;
  // "" = every exchange; else SH, SZ or BJ.
  std::string exchange;
};

struct MarketSnapshot {
  std::optional<Date> date;  // kDaily: the date answered
  RecordBatch rows;
  std::vector<std::string> missing;  // requested symbols without a row (ascending)
};

// The boards and exchanges a request may name (the values symbols.board and the canonical
// symbol suffixes take).
const std::vector<std::string>& snapshot_boards();
const std::vector<std::string>& snapshot_exchanges();

// kInvalidArgument names the field (board, exchange) of an unknown value; kNotFound names
// `date` when daily_kline holds no bar on that date (or none at all without a date).
Result<MarketSnapshot> load_market_snapshot(const MarketQuery& market,
                                            const SnapshotRequest& request);

}  // namespace mystocks::services
