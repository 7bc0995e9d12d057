#include "services/market/market_snapshot.h"

#include <algorithm>
#include <numeric>
#include <unordered_set>

#include <fmt/ranges.h>

#include "services/batch_validator.h"

namespace mystocks::services {
namespace {

// Every column of realtime_quote, symbol first (the time-series store's projection order).
const std::vector<std::string> kQuoteColumns = {
    "symbol",     "ts",          "last",       "open",        "high",     "low",
    "pre_close",  "change",      "pct_change", "volume",      "amount",   "turnover_rate",
    "bid1_price", "bid1_volume", "ask1_price", "ask1_volume", "limit_up", "limit_down"};

// Every column of daily_kline but adj_factor (a K-line concern: the cross-section is unadjusted).
const std::vector<std::string> kDailyColumns = {
    "symbol", "trade_date", "open",   "high",   "low",           "close", "pre_close",
    "change", "pct_change", "volume", "amount", "turnover_rate", "final"};

bool listed(const std::vector<std::string>& values, const std::string& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

Status check_filters(const SnapshotRequest& request) {
  if (!request.board.empty() && !listed(snapshot_boards(), request.board)) {
    return field_error(ErrorCode::kInvalidArgument, "board", "board '{}' is not one of {}",
                       request.board, fmt::join(snapshot_boards(), ", "));
  }
  if (!request.exchange.empty() && !listed(snapshot_exchanges(), request.exchange)) {
    return field_error(ErrorCode::kInvalidArgument, "exchange", "exchange '{}' is not one of {}",
                       request.exchange, fmt::join(snapshot_exchanges(), ", "));
  }
  return Status::ok();
}

// The symbols the securities master lists on `board`.
Result<std::unordered_set<std::string>> symbols_on_board(DataManager& data,
                                                         const std::string& board) {
  Result<RecordBatch> rows =
      data.load("symbols", {.columns = {"symbol"}, .filters = {storage::eq("board", board)}});
  if (!rows.is_ok()) return rows.status();
  const std::vector<std::string>& symbols = rows->column(0).as<std::string>();
  return std::unordered_set<std::string>(symbols.begin(), symbols.end());
}

// The newest trading date daily_kline holds.
Result<Date> newest_daily_date(DataManager& data) {
  Result<RecordBatch> dates =
      data.load("daily_kline", {.columns = {"trade_date"},
                                .order_by = {{"trade_date", storage::SortOrder::kDescending}},
                                .limit = 1});
  if (!dates.is_ok()) return dates.status();
  if (dates->num_rows() == 0) {
    return field_error(ErrorCode::kNotFound, "date", "no daily K-lines are stored yet");
  }
  return Date{dates->column(0).as<int32_t>()[0]};
}

Result<RecordBatch> daily_rows(const MarketQuery& market, const SnapshotRequest& request,
                               Date date) {
  Result<RecordBatch> rows = market.daily_cross_section(date, request.symbols, kDailyColumns);
  if (!rows.is_ok()) return rows.status();
  if (rows->num_rows() == 0 && request.symbols.empty()) {
    return field_error(ErrorCode::kNotFound, "date",
                       "no daily K-lines are stored on {} (not a trading day, or not ingested)",
                       date.to_string());
  }
  return rows;
}

// Row indexes of `rows` that pass the board and exchange filters, ascending by symbol.
Result<std::vector<uint32_t>> selected_rows(DataManager& data, const SnapshotRequest& request,
                                            const std::vector<std::string>& symbols) {
  std::optional<std::unordered_set<std::string>> on_board;
  if (!request.board.empty()) {
    Result<std::unordered_set<std::string>> board = symbols_on_board(data, request.board);
    if (!board.is_ok()) return board.status();
    on_board = std::move(*board);
  }
  const std::string suffix = request.exchange.empty() ? "" : "." + request.exchange;
  std::vector<uint32_t> picked;
  picked.reserve(symbols.size());
  for (uint32_t row = 0; row < symbols.size(); ++row) {
    const std::string& symbol = symbols[row];
    if (!suffix.empty() && !symbol.ends_with(suffix)) continue;
    if (on_board && !on_board->contains(symbol)) continue;
    picked.push_back(row);
  }
  if (!std::is_sorted(picked.begin(), picked.end(),
                      [&](uint32_t a, uint32_t b) { return symbols[a] < symbols[b]; })) {
    std::sort(picked.begin(), picked.end(),
              [&](uint32_t a, uint32_t b) { return symbols[a] < symbols[b]; });
  }
  return picked;
}

std::vector<std::string> missing_symbols(const std::vector<std::string>& requested,
                                         const RecordBatch& rows) {
  if (requested.empty()) return {};
  const std::vector<std::string>& found = rows.column(0).as<std::string>();  // ascending
  std::vector<std::string> wanted = requested;
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  std::vector<std::string> missing;
  std::set_difference(wanted.begin(), wanted.end(), found.begin(), found.end(),
                      std::back_inserter(missing));
  return missing;
}

}  // namespace

const std::vector<std::string>& snapshot_boards() {
  static const std::vector<std::string> kBoards = {"main", "chinext", "star", "bse"};
  return kBoards;
}

const std::vector<std::string>& snapshot_exchanges() {
  static const std::vector<std::string> kExchanges = {"SH", "SZ", "BJ"};
  return kExchanges;
}

Result<MarketSnapshot> load_market_snapshot(const MarketQuery& market,
                                            const SnapshotRequest& request) {
  MYSTOCKS_RETURN_IF_ERROR(check_filters(request));
  DataManager& data = market.data();
  MarketSnapshot snapshot;
  Result<RecordBatch> rows = RecordBatch();
  if (request.kind == SnapshotKind::kQuote) {
    rows = market.quote_cross_section(request.symbols, kQuoteColumns);
  } else {
    Result<Date> date = request.date ? Result<Date>(*request.date) : newest_daily_date(data);
    if (!date.is_ok()) return date.status();
    snapshot.date = *date;
    rows = daily_rows(market, request, *date);
  }
  if (!rows.is_ok()) return rows.status();
  Result<std::vector<uint32_t>> picked =
      selected_rows(data, request, rows->column(0).as<std::string>());
  if (!picked.is_ok()) return picked.status();
  snapshot.rows =
      picked->size() == rows->num_rows() && std::is_sorted(picked->begin(), picked->end())
          ? std::move(*rows)
          : select_rows(*rows, *picked);
  snapshot.missing = missing_symbols(request.symbols, snapshot.rows);
  return snapshot;
}

}  // namespace mystocks::services
