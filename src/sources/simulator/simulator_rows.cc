#include "sources/simulator/simulator_rows.h"

namespace mystocks::sources {
namespace {

// A price of 0 cents means "not yet" (open/high/low before the match) or "no order".
void put_price_or_null(TableWriter& writer, int column, int64_t cents) {
  if (cents > 0) {
    writer.put_cents(column, cents);
  } else {
    writer.put_null(column);
  }
}

double percent_change(int64_t price, int64_t pre_close) {
  return pre_close > 0
             ? static_cast<double>(price - pre_close) * 100.0 / static_cast<double>(pre_close)
             : 0.0;
}

constexpr std::string_view kTickColumns[] = {
    "ts",          "symbol",     "exchange",    "last",       "open",        "high",
    "low",         "pre_close",  "volume",      "amount",     "num_trades",  "bid1_price",
    "bid1_volume", "bid2_price", "bid2_volume", "bid3_price", "bid3_volume", "bid4_price",
    "bid4_volume", "bid5_price", "bid5_volume", "ask1_price", "ask1_volume", "ask2_price",
    "ask2_volume", "ask3_price", "ask3_volume", "ask4_price", "ask4_volume", "ask5_price",
    "ask5_volume"};
constexpr std::string_view kMinuteColumns[] = {"ts",  "symbol", "frequency", "open",   "high",
                                               "low", "close",  "volume",    "amount", "final"};
constexpr std::string_view kDailyColumns[] = {
    "symbol", "trade_date", "open",   "high",   "low",           "close",     "pre_close",
    "change", "pct_change", "volume", "amount", "turnover_rate", "adj_factor"};
constexpr std::string_view kQuoteColumns[] = {
    "ts",         "symbol",      "last",       "open",        "high",     "low",
    "pre_close",  "change",      "pct_change", "volume",      "amount",   "turnover_rate",
    "bid1_price", "bid1_volume", "ask1_price", "ask1_volume", "limit_up", "limit_down"};
constexpr std::string_view kIndexQuoteColumns[] = {"ts",  "symbol",    "last",   "open",  "high",
                                                   "low", "pre_close", "volume", "amount"};

}  // namespace

TickColumns::TickColumns(const TableWriter& writer)
    : ts(writer.column("ts")),
      symbol(writer.column("symbol")),
      exchange(writer.column("exchange")),
      last(writer.column("last")),
      open(writer.column("open")),
      high(writer.column("high")),
      low(writer.column("low")),
      pre_close(writer.column("pre_close")),
      volume(writer.column("volume")),
      amount(writer.column("amount")),
      num_trades(writer.column("num_trades")),
      book(writer) {}

std::span<const std::string_view> tick_filled_columns() { return kTickColumns; }

void write_tick(TableWriter& writer, const TickColumns& columns, std::string_view symbol,
                std::string_view exchange, int64_t pre_close, const Snapshot& snapshot) {
  writer.put_int64(columns.ts, snapshot.ts);
  writer.put_string(columns.symbol, symbol);
  writer.put_string(columns.exchange, exchange);
  writer.put_cents(columns.last, snapshot.last);
  put_price_or_null(writer, columns.open, snapshot.open);
  put_price_or_null(writer, columns.high, snapshot.high);
  put_price_or_null(writer, columns.low, snapshot.low);
  writer.put_cents(columns.pre_close, pre_close);
  writer.put_int64(columns.volume, snapshot.volume);
  writer.put_cents(columns.amount, snapshot.amount);
  writer.put_int64(columns.num_trades, snapshot.trades);
  put_book(writer, columns.book, snapshot.bids, snapshot.asks);
  writer.end_row();  // empty book levels become nulls
}

MinuteBarColumns::MinuteBarColumns(const TableWriter& writer)
    : ts(writer.column("ts")),
      symbol(writer.column("symbol")),
      frequency(writer.column("frequency")),
      open(writer.column("open")),
      high(writer.column("high")),
      low(writer.column("low")),
      close(writer.column("close")),
      volume(writer.column("volume")),
      amount(writer.column("amount")),
      is_final(writer.column("final")) {}

std::span<const std::string_view> minute_bar_filled_columns() { return kMinuteColumns; }

namespace {

void put_minute_bar(TableWriter& writer, const MinuteBarColumns& columns, std::string_view symbol,
                    std::string_view frequency, TimestampMs start, const MinuteBar& bar,
                    bool is_final) {
  writer.put_int64(columns.ts, start);
  writer.put_string(columns.symbol, symbol);
  writer.put_string(columns.frequency, frequency);
  writer.put_cents(columns.open, bar.open);
  writer.put_cents(columns.high, bar.high);
  writer.put_cents(columns.low, bar.low);
  writer.put_cents(columns.close, bar.close);
  writer.put_int64(columns.volume, bar.volume);
  writer.put_cents(columns.amount, bar.amount);
  writer.put_bool(columns.is_final, is_final);
  writer.end_row();
}

}  // namespace

void write_minute_bar(TableWriter& writer, const MinuteBarColumns& columns, std::string_view symbol,
                      std::string_view frequency, TimestampMs start, const MinuteBar& bar) {
  put_minute_bar(writer, columns, symbol, frequency, start, bar, true);
}

void write_forming_minute_bar(TableWriter& writer, const MinuteBarColumns& columns,
                              std::string_view symbol, std::string_view frequency,
                              TimestampMs start, const MinuteBar& bar) {
  put_minute_bar(writer, columns, symbol, frequency, start, bar, false);
}

DailyBarColumns::DailyBarColumns(const TableWriter& writer)
    : symbol(writer.column("symbol")),
      trade_date(writer.column("trade_date")),
      open(writer.column("open")),
      high(writer.column("high")),
      low(writer.column("low")),
      close(writer.column("close")),
      pre_close(writer.column("pre_close")),
      change(writer.column("change")),
      pct_change(writer.column("pct_change")),
      volume(writer.column("volume")),
      amount(writer.column("amount")),
      turnover_rate(writer.column("turnover_rate")),
      adj_factor(writer.column("adj_factor")) {}

std::span<const std::string_view> daily_bar_filled_columns() { return kDailyColumns; }

void write_daily_bar(TableWriter& writer, const DailyBarColumns& columns, std::string_view symbol,
                     Date date, int64_t pre_close, const MinuteBar& bar,
                     std::optional<int64_t> float_shares) {
  writer.put_string(columns.symbol, symbol);
  writer.put_int32(columns.trade_date, date.days);
  writer.put_cents(columns.open, bar.open);
  writer.put_cents(columns.high, bar.high);
  writer.put_cents(columns.low, bar.low);
  writer.put_cents(columns.close, bar.close);
  writer.put_cents(columns.pre_close, pre_close);
  writer.put_cents(columns.change, bar.close - pre_close);
  writer.put_double(columns.pct_change, percent_change(bar.close, pre_close));
  writer.put_int64(columns.volume, bar.volume);
  writer.put_cents(columns.amount, bar.amount);
  if (float_shares && *float_shares > 0) {
    writer.put_double(columns.turnover_rate,
                      static_cast<double>(bar.volume) * 100.0 / static_cast<double>(*float_shares));
  }
  // No corporate actions are simulated, so prices need no adjustment.
  writer.put_double(columns.adj_factor, 1.0);
  writer.end_row();
}

QuoteColumns::QuoteColumns(const TableWriter& writer)
    : ts(writer.column("ts")),
      symbol(writer.column("symbol")),
      last(writer.column("last")),
      open(writer.column("open")),
      high(writer.column("high")),
      low(writer.column("low")),
      pre_close(writer.column("pre_close")),
      change(writer.column("change")),
      pct_change(writer.column("pct_change")),
      volume(writer.column("volume")),
      amount(writer.column("amount")),
      turnover_rate(writer.column("turnover_rate")),
      bid1_price(writer.column("bid1_price")),
      bid1_volume(writer.column("bid1_volume")),
      ask1_price(writer.column("ask1_price")),
      ask1_volume(writer.column("ask1_volume")),
      limit_up(writer.column("limit_up")),
      limit_down(writer.column("limit_down")) {}

std::span<const std::string_view> quote_filled_columns() { return kQuoteColumns; }

void write_quote(TableWriter& writer, const QuoteColumns& columns, std::string_view symbol,
                 int64_t pre_close, const Snapshot& snapshot, std::optional<PriceLimits> limits,
                 std::optional<int64_t> float_shares) {
  writer.put_int64(columns.ts, snapshot.ts);
  writer.put_string(columns.symbol, symbol);
  writer.put_cents(columns.last, snapshot.last);
  put_price_or_null(writer, columns.open, snapshot.open);
  put_price_or_null(writer, columns.high, snapshot.high);
  put_price_or_null(writer, columns.low, snapshot.low);
  writer.put_cents(columns.pre_close, pre_close);
  writer.put_cents(columns.change, snapshot.last - pre_close);
  writer.put_double(columns.pct_change, percent_change(snapshot.last, pre_close));
  writer.put_int64(columns.volume, snapshot.volume);
  writer.put_cents(columns.amount, snapshot.amount);
  if (float_shares && *float_shares > 0) {
    writer.put_double(columns.turnover_rate, static_cast<double>(snapshot.volume) * 100.0 /
                                                 static_cast<double>(*float_shares));
  }
  if (snapshot.bids[0].price > 0) {
    writer.put_cents(columns.bid1_price, snapshot.bids[0].price);
    writer.put_int64(columns.bid1_volume, snapshot.bids[0].volume);
  }
  if (snapshot.asks[0].price > 0) {
    writer.put_cents(columns.ask1_price, snapshot.asks[0].price);
    writer.put_int64(columns.ask1_volume, snapshot.asks[0].volume);
  }
  if (limits) {
    writer.put_cents(columns.limit_up, limits->up);
    writer.put_cents(columns.limit_down, limits->down);
  }
  writer.end_row();
}

IndexQuoteColumns::IndexQuoteColumns(const TableWriter& writer)
    : ts(writer.column("ts")),
      symbol(writer.column("symbol")),
      last(writer.column("last")),
      open(writer.column("open")),
      high(writer.column("high")),
      low(writer.column("low")),
      pre_close(writer.column("pre_close")),
      volume(writer.column("volume")),
      amount(writer.column("amount")) {}

std::span<const std::string_view> index_quote_filled_columns() { return kIndexQuoteColumns; }

void write_index_quote(TableWriter& writer, const IndexQuoteColumns& columns,
                       std::string_view symbol, int64_t pre_close, const Snapshot& snapshot) {
  writer.put_int64(columns.ts, snapshot.ts);
  writer.put_string(columns.symbol, symbol);
  writer.put_cents(columns.last, snapshot.last);
  put_price_or_null(writer, columns.open, snapshot.open);
  put_price_or_null(writer, columns.high, snapshot.high);
  put_price_or_null(writer, columns.low, snapshot.low);
  writer.put_cents(columns.pre_close, pre_close);
  writer.put_int64(columns.volume, snapshot.volume);
  writer.put_cents(columns.amount, snapshot.amount);
  writer.end_row();
}

}  // namespace mystocks::sources
