// Row writers from the simulator's model values (cents, shares, snapshots) into the tables.yaml
// tables it fills: tick, minute_kline, daily_kline, realtime_quote and index_quote. Column
// indexes are resolved once per batch (the *Columns structs), so writing a row is a handful of
// typed appends. Also the lists of columns each writer fills, for TableWriter::require_fillable.
// Stateless functions; a writer has one owner.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "core/timestamp.h"
#include "sources/simulator/depth_rows.h"
#include "sources/simulator/intraday_model.h"
#include "sources/simulator/tick_generator.h"
#include "sources/table_writer.h"

namespace mystocks::sources {

struct TickColumns {
  explicit TickColumns(const TableWriter& writer);
  int ts, symbol, exchange, last, open, high, low, pre_close, volume, amount, num_trades;
  BookColumns book;
};
std::span<const std::string_view> tick_filled_columns();
void write_tick(TableWriter& writer, const TickColumns& columns, std::string_view symbol,
                std::string_view exchange, int64_t pre_close, const Snapshot& snapshot);

struct MinuteBarColumns {
  explicit MinuteBarColumns(const TableWriter& writer);
  int ts, symbol, frequency, open, high, low, close, volume, amount;
  int is_final;  // column "final"
};
std::span<const std::string_view> minute_bar_filled_columns();
// A closed bar (final = true): historical bars and the live feed's closed minutes.
void write_minute_bar(TableWriter& writer, const MinuteBarColumns& columns, std::string_view symbol,
                      std::string_view frequency, TimestampMs start, const MinuteBar& bar);
// A bar whose minute has not closed yet (final = false): the live feed's forming bars.
void write_forming_minute_bar(TableWriter& writer, const MinuteBarColumns& columns,
                              std::string_view symbol, std::string_view frequency,
                              TimestampMs start, const MinuteBar& bar);

struct DailyBarColumns {
  explicit DailyBarColumns(const TableWriter& writer);
  int symbol, trade_date, open, high, low, close, pre_close, change, pct_change, volume, amount,
      turnover_rate, adj_factor;
};
std::span<const std::string_view> daily_bar_filled_columns();
// `float_shares` gives turnover_rate (null for indices).
void write_daily_bar(TableWriter& writer, const DailyBarColumns& columns, std::string_view symbol,
                     Date date, int64_t pre_close, const MinuteBar& bar,
                     std::optional<int64_t> float_shares);

struct QuoteColumns {
  explicit QuoteColumns(const TableWriter& writer);
  int ts, symbol, last, open, high, low, pre_close, change, pct_change, volume, amount,
      turnover_rate, bid1_price, bid1_volume, ask1_price, ask1_volume, limit_up, limit_down;
};
std::span<const std::string_view> quote_filled_columns();
// `limits` and `float_shares` are empty for indices.
void write_quote(TableWriter& writer, const QuoteColumns& columns, std::string_view symbol,
                 int64_t pre_close, const Snapshot& snapshot, std::optional<PriceLimits> limits,
                 std::optional<int64_t> float_shares);

struct IndexQuoteColumns {
  explicit IndexQuoteColumns(const TableWriter& writer);
  int ts, symbol, last, open, high, low, pre_close, volume, amount;
};
std::span<const std::string_view> index_quote_filled_columns();
void write_index_quote(TableWriter& writer, const IndexQuoteColumns& columns,
                       std::string_view symbol, int64_t pre_close, const Snapshot& snapshot);

}  // namespace mystocks::sources
