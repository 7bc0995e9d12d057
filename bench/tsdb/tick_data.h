// Deterministic A-share Level-1 snapshot data for the tsdb benchmark: every 3 s over the two
// continuous sessions (4,800 snapshots per symbol and day), prices as random walks in 0.01 steps
// within the daily +/-10% limit, volumes in lots of 100, cumulative volume/amount/trade count,
// five bid and ask levels one tick apart whose sizes change with probability 0.3 per snapshot
// and move with the price. Same (symbols, days, seed) -> same rows, on every machine.
// Thread-safety: a TickGenerator has one owner.
#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/record_batch.h"
#include "storage/table_schema.h"

namespace mystocks::bench {

inline constexpr int kSnapshotsPerDay = 4800;
inline constexpr int kBookLevels = 5;

struct TickShape {
  int symbols = 200;
  int days = 1;
  uint64_t seed = 42;
  int symbols_per_batch = 20;  // one batch = this many symbols x one day
};

// Trading days used: 2024-01-02 onwards, weekdays only.
int32_t trading_day(int index);
std::string symbol_name(int index);  // 600000.SH, 000001.SZ, ... deterministic, canonical
int64_t snapshot_time(int32_t day, int snapshot);

class TickGenerator {
 public:
  TickGenerator(const storage::TableSchema& tick_table, TickShape shape);

  // Batches in order: day-major, then groups of symbols. false when done.
  bool next(RecordBatch& batch);
  int64_t rows_per_batch() const;
  int64_t total_rows() const;
  int64_t batches() const;
  // Bytes of the data as plain fixed-width columns (8 per numeric value, length + 4 per string).
  int64_t raw_bytes() const { return raw_bytes_; }

 private:
  struct SymbolState {
    int64_t close_units = 0;  // previous close, price units (0.001 yuan)
    double liquidity = 0;     // mean lots per active snapshot
  };
  void generate_symbol_day(int symbol, int day, RecordBatchBuilder& builder);

  std::shared_ptr<const Schema> schema_;
  std::vector<size_t> columns_;  // positions of the tick columns in schema_ (see .cc)
  TickShape shape_;
  std::vector<SymbolState> states_;
  int day_ = 0;
  int group_ = 0;
  int64_t raw_bytes_ = 0;
};

}  // namespace mystocks::bench
