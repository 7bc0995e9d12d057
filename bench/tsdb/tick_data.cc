#include "tick_data.h"

#include <algorithm>
#include <cmath>

#include "core/timestamp.h"

namespace mystocks::bench {
namespace {

// Column order the generator fills; positions in the table schema are looked up by name.
const char* kColumns[] = {"ts",          "symbol",      "exchange",    "last",        "open",
                          "high",        "low",         "pre_close",   "volume",      "amount",
                          "num_trades",  "bid1_price",  "bid1_volume", "bid2_price",  "bid2_volume",
                          "bid3_price",  "bid3_volume", "bid4_price",  "bid4_volume", "bid5_price",
                          "bid5_volume", "ask1_price",  "ask1_volume", "ask2_price",  "ask2_volume",
                          "ask3_price",  "ask3_volume", "ask4_price",  "ask4_volume", "ask5_price",
                          "ask5_volume"};
constexpr int64_t kTick = 10;  // 0.01 yuan in decimal(3) units

uint64_t mix(uint64_t a, uint64_t b) {
  uint64_t x = a * 0x9E3779B97F4A7C15ULL ^ (b + 0x632BE59BD9B4E019ULL + (a << 6) + (a >> 2));
  x ^= x >> 31;
  x *= 0xBF58476D1CE4E5B9ULL;
  return x ^ (x >> 29);
}

}  // namespace

int32_t trading_day(int index) {
  Date date = Date::from_ymd(2024, 1, 2);
  int seen = 0;
  while (true) {
    if (!date.is_weekend()) {
      if (seen == index) return date.days;
      ++seen;
    }
    ++date.days;
  }
}

std::string symbol_name(int index) {
  // Alternate SH main board and SZ main board / ChiNext codes.
  char buffer[16];
  if (index % 2 == 0) {
    std::snprintf(buffer, sizeof(buffer), "%06d.SH", 600000 + index / 2);
  } else {
    std::snprintf(buffer, sizeof(buffer), "%06d.SZ", (index / 2) % 2 == 0 ? 1 + index / 2 : 300001 + index / 2);
  }
  return buffer;
}

int64_t snapshot_time(int32_t day, int snapshot) {
  const int64_t session = snapshot < kSnapshotsPerDay / 2 ? shanghai_time(Date{day}, 9, 30)
                                                          : shanghai_time(Date{day}, 13, 0);
  return session + int64_t{snapshot % (kSnapshotsPerDay / 2)} * 3000;
}

TickGenerator::TickGenerator(const storage::TableSchema& tick_table, TickShape shape)
    : schema_(tick_table.schema()), shape_(shape), states_(static_cast<size_t>(shape.symbols)) {
  for (const char* name : kColumns) columns_.push_back(*schema_->index_of(name));
  for (int symbol = 0; symbol < shape_.symbols; ++symbol) {
    std::mt19937_64 random(mix(shape_.seed, static_cast<uint64_t>(symbol)));
    // Log-uniform price between 3 and 200 yuan, whole cents; liquidity 5-300 lots per snapshot.
    const double price = std::exp(std::uniform_real_distribution<double>(std::log(3.0), std::log(200.0))(random));
    states_[static_cast<size_t>(symbol)].close_units = static_cast<int64_t>(price * 100) * kTick;
    states_[static_cast<size_t>(symbol)].liquidity =
        std::exp(std::uniform_real_distribution<double>(std::log(5.0), std::log(300.0))(random));
  }
}

int64_t TickGenerator::rows_per_batch() const {
  return int64_t{shape_.symbols_per_batch} * kSnapshotsPerDay;
}
int64_t TickGenerator::total_rows() const {
  return int64_t{shape_.symbols} * shape_.days * kSnapshotsPerDay;
}
int64_t TickGenerator::batches() const {
  return int64_t{shape_.days} * ((shape_.symbols + shape_.symbols_per_batch - 1) / shape_.symbols_per_batch);
}

bool TickGenerator::next(RecordBatch& batch) {
  if (day_ >= shape_.days) return false;
  RecordBatchBuilder builder(schema_);
  const int first = group_ * shape_.symbols_per_batch;
  const int last = std::min(shape_.symbols, first + shape_.symbols_per_batch);
  builder.reserve(static_cast<size_t>(last - first) * kSnapshotsPerDay);
  for (int symbol = first; symbol < last; ++symbol) generate_symbol_day(symbol, day_, builder);
  if (last >= shape_.symbols) {
    group_ = 0;
    ++day_;
  } else {
    ++group_;
  }
  Result<RecordBatch> built = builder.finish();
  if (!built.is_ok()) return false;
  batch = std::move(*built);
  return true;
}

void TickGenerator::generate_symbol_day(int symbol, int day, RecordBatchBuilder& builder) {
  SymbolState& state = states_[static_cast<size_t>(symbol)];
  std::mt19937_64 random(mix(mix(shape_.seed, static_cast<uint64_t>(symbol)), static_cast<uint64_t>(day) + 1));
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::normal_distribution<double> normal(0.0, 1.0);
  const std::string name = symbol_name(symbol);
  const std::string exchange = name.substr(7);
  const int32_t date = trading_day(day);
  const int64_t pre_close = state.close_units;
  // +/-10% limits, rounded to the tick.
  const int64_t limit_up = (pre_close * 11 / 10) / kTick * kTick;
  const int64_t limit_down = (pre_close * 9 / 10 + kTick - 1) / kTick * kTick;
  int64_t last = pre_close;
  int64_t open = 0, high = 0, low = 0;
  int64_t volume = 0, amount = 0, trades = 0;
  auto level_size = [&] {
    return 100 * std::max<int64_t>(1, static_cast<int64_t>(std::exp(normal(random) + std::log(state.liquidity * 3))));
  };
  int64_t bid1 = last - kTick;
  std::array<int64_t, kBookLevels> bid_sizes{}, ask_sizes{};
  for (int level = 0; level < kBookLevels; ++level) {
    bid_sizes[static_cast<size_t>(level)] = level_size();
    ask_sizes[static_cast<size_t>(level)] = level_size();
  }
  for (int snapshot = 0; snapshot < kSnapshotsPerDay; ++snapshot) {
    // Price: unchanged 45% of the time, else 1-3 ticks up or down.
    const double move = unit(random);
    int64_t step = 0;
    if (move >= 0.45) {
      const double size = unit(random);
      step = size < 0.80 ? 1 : size < 0.95 ? 2 : 3;
      if (unit(random) < 0.5) step = -step;
    }
    last = std::clamp(last + step * kTick, limit_down, limit_up);
    if (snapshot == 0) open = high = low = last;
    high = std::max(high, last);
    low = std::min(low, last);
    // Trades: none 10% of the time, more when the price moved.
    if (unit(random) >= 0.10) {
      const double mean = state.liquidity * (step != 0 ? 1.5 : 0.7);
      const auto lots = static_cast<int64_t>(std::max(1.0, std::exp(normal(random) * 0.8 + std::log(mean))));
      volume += lots * 100;
      amount += lots * 100 * (last / kTick);  // shares x price in cents = turnover in cents
      trades += std::max<int64_t>(1, lots / std::max<int64_t>(1, static_cast<int64_t>(2 + unit(random) * 8)));
    }
    // Book: the best bid sits one tick under or at the last price; levels move with it.
    const int64_t new_bid1 = last - (unit(random) < 0.5 ? kTick : 0);
    const int64_t shift = (new_bid1 - bid1) / kTick;
    if (shift != 0) {
      std::array<int64_t, kBookLevels> bids{}, asks{};
      for (int level = 0; level < kBookLevels; ++level) {
        const int64_t from_bid = level + shift;  // the old bid level now at this position
        const int64_t from_ask = level - shift;
        bids[static_cast<size_t>(level)] =
            from_bid >= 0 && from_bid < kBookLevels ? bid_sizes[static_cast<size_t>(from_bid)] : level_size();
        asks[static_cast<size_t>(level)] =
            from_ask >= 0 && from_ask < kBookLevels ? ask_sizes[static_cast<size_t>(from_ask)] : level_size();
      }
      bid_sizes = bids;
      ask_sizes = asks;
    }
    bid1 = new_bid1;
    for (int level = 0; level < kBookLevels; ++level) {
      if (unit(random) < 0.3) bid_sizes[static_cast<size_t>(level)] = level_size();
      if (unit(random) < 0.3) ask_sizes[static_cast<size_t>(level)] = level_size();
    }

    size_t column = 0;
    builder.append_int64(columns_[column++], snapshot_time(date, snapshot));
    builder.append_string(columns_[column++], name);
    builder.append_string(columns_[column++], exchange);
    for (int64_t value : {last, open, high, low, pre_close, volume, amount, trades}) {
      builder.append_int64(columns_[column++], value);
    }
    for (int level = 0; level < kBookLevels; ++level) {
      builder.append_int64(columns_[column++], bid1 - level * kTick);
      builder.append_int64(columns_[column++], bid_sizes[static_cast<size_t>(level)]);
    }
    for (int level = 0; level < kBookLevels; ++level) {
      builder.append_int64(columns_[column++], bid1 + kTick + level * kTick);
      builder.append_int64(columns_[column++], ask_sizes[static_cast<size_t>(level)]);
    }
    raw_bytes_ += 28 * 8 + 8 /*ts*/ + static_cast<int64_t>(name.size() + 4 + exchange.size() + 4);
  }
  state.close_units = last;
}

}  // namespace mystocks::bench
