#include "sources/simulator/depth_rows.h"

#include <fmt/format.h>

namespace mystocks::sources {
namespace {

constexpr std::string_view kDepthColumns[] = {
    "ts",          "symbol",     "exchange",    "bid1_price", "bid1_volume", "bid2_price",
    "bid2_volume", "bid3_price", "bid3_volume", "bid4_price", "bid4_volume", "bid5_price",
    "bid5_volume", "ask1_price", "ask1_volume", "ask2_price", "ask2_volume", "ask3_price",
    "ask3_volume", "ask4_price", "ask4_volume", "ask5_price", "ask5_volume"};

}  // namespace

BookColumns::BookColumns(const TableWriter& writer) {
  for (int level = 0; level < kBookLevels; ++level) {
    bid_price[level] = writer.column(fmt::format("bid{}_price", level + 1));
    bid_volume[level] = writer.column(fmt::format("bid{}_volume", level + 1));
    ask_price[level] = writer.column(fmt::format("ask{}_price", level + 1));
    ask_volume[level] = writer.column(fmt::format("ask{}_volume", level + 1));
  }
}

void put_book(TableWriter& writer, const BookColumns& columns,
              const std::array<BookLevel, kBookLevels>& bids,
              const std::array<BookLevel, kBookLevels>& asks) {
  for (int level = 0; level < kBookLevels; ++level) {
    const BookLevel& bid = bids[level];
    const BookLevel& ask = asks[level];
    if (bid.price > 0) {
      writer.put_cents(columns.bid_price[level], bid.price);
      writer.put_int64(columns.bid_volume[level], bid.volume);
    }
    if (ask.price > 0) {
      writer.put_cents(columns.ask_price[level], ask.price);
      writer.put_int64(columns.ask_volume[level], ask.volume);
    }
  }
}

DepthColumns::DepthColumns(const TableWriter& writer)
    : ts(writer.column("ts")),
      symbol(writer.column("symbol")),
      exchange(writer.column("exchange")),
      book(writer) {}

std::span<const std::string_view> depth_filled_columns() { return kDepthColumns; }

void write_depth(TableWriter& writer, const DepthColumns& columns, std::string_view symbol,
                 std::string_view exchange, const Snapshot& snapshot) {
  writer.put_int64(columns.ts, snapshot.ts);
  writer.put_string(columns.symbol, symbol);
  writer.put_string(columns.exchange, exchange);
  put_book(writer, columns.book, snapshot.bids, snapshot.asks);
  writer.end_row();  // empty levels and levels 6-10 become nulls
}

}  // namespace mystocks::sources
