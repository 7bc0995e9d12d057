// SeriesInventory: what is stored, per table and series - rows, first and last time, last write,
// the source that wrote it and the trading days missing between first and last - answered from
// metadata, never by reading rows: time-series tables from the tsdb's per-series catalog
// (TimeSeriesStore::summarize_series), relational tables with one indexed GROUP BY per table
// (RelationalStore::summarize_series). Sources come from the ingest job history (the newest job
// that wrote the table for the symbol); trading days from the trade_calendar table when it holds
// any, else the built-in SH/SZ/BJ calendar. docs/ingest.md "Series inventory".
// Thread-safety: list() may be called from any thread (it holds no state between calls).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "services/data_manager.h"
#include "services/job_history.h"

namespace mystocks::services {

struct InventoryQuery {
  std::vector<std::string> tables;   // empty = every table with series (a symbol and a time)
  std::vector<std::string> symbols;  // canonical; empty = all
  std::optional<bool> has_gaps;      // keep only series with (true) / without (false) gaps
};

struct InventoryRow {
  std::string table;
  std::string store;   // "timeseries" or "relational"
  std::string symbol;
  std::string series;  // the other tags of a time-series series ("frequency=1m"); "" otherwise
  int64_t rows = 0;
  int64_t first_ms = 0;  // first and last row (a date column: its Asia/Shanghai midnight)
  int64_t last_ms = 0;
  int64_t last_write_ms = 0;  // 0 = the store does not know
  std::string source;         // "" = no job in the history wrote it
  // Trading days in [first, last] without rows; -1 = not tracked for this table (its rows are
  // not one per trading day, e.g. dividends) or outside the calendar.
  int64_t missing_days = -1;
  std::vector<int32_t> missing_sample;  // the first missing dates (time-series tables)
};

struct Inventory {
  std::vector<InventoryRow> rows;  // by table, then series
  std::string calendar;            // "trade_calendar" or "built-in"
  std::vector<std::string> tables; // the tables summarised
};

class SeriesInventory {
 public:
  static constexpr size_t kMissingSample = 5;

  // `history` may be null (no sources then). Both must outlive the inventory.
  SeriesInventory(DataManager& data, JobHistory* history);

  // kNotFound naming the table for an unknown one, kInvalidArgument for a table without series.
  Result<Inventory> list(const InventoryQuery& query) const;

 private:
  DataManager& data_;
  JobHistory* history_;
};

}  // namespace mystocks::services
