// Row writer for the order_book_depth table from a simulated snapshot: levels 1-5 are the
// snapshot's book (depth_book.h), the same values its tick row carries in bid/ask 1-5, so REST
// depth, the depth room and the tick stream never disagree; levels 6-10 are null (the simulator
// models the five levels Level-1 quotes show). Column indexes are resolved once per batch.
// BookColumns and put_book also write the same book into the tick rows (simulator_rows.h).
// Stateless functions; a writer has one owner.
#pragma once

#include <array>
#include <span>
#include <string_view>

#include "sources/simulator/depth_book.h"
#include "sources/simulator/tick_generator.h"
#include "sources/table_writer.h"

namespace mystocks::sources {

// The columns of book levels 1-5: bid{N}_price, bid{N}_volume, ask{N}_price, ask{N}_volume.
struct BookColumns {
  explicit BookColumns(const TableWriter& writer);
  std::array<int, kBookLevels> bid_price, bid_volume, ask_price, ask_volume;
};

// Puts every level with an order (price > 0); empty levels are left for end_row to null.
void put_book(TableWriter& writer, const BookColumns& columns,
              const std::array<BookLevel, kBookLevels>& bids,
              const std::array<BookLevel, kBookLevels>& asks);

struct DepthColumns {
  explicit DepthColumns(const TableWriter& writer);
  int ts, symbol, exchange;
  BookColumns book;
};

// The columns write_depth fills (for TableWriter::require_fillable); levels 6-10 are not among
// them, so a tables.yaml that made them non-nullable is refused at start-up.
std::span<const std::string_view> depth_filled_columns();

// Whether the snapshot carries a trading book: false for the call auction's snapshots before the
// 09:25 match, whose only "level" is the indicative price on both sides (bid 1 = ask 1), not a
// resting book; depth rows start with the match.
inline bool has_trading_book(const Snapshot& snapshot) { return snapshot.open > 0; }

void write_depth(TableWriter& writer, const DepthColumns& columns, std::string_view symbol,
                 std::string_view exchange, const Snapshot& snapshot);

}  // namespace mystocks::sources
