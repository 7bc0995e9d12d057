#include "realtime/market_feed.h"

#include <boost/json/object.hpp>

#include "core/row_json.h"
#include "core/timestamp.h"

namespace mystocks::realtime {
std::optional<RoomKind> MarketFeed::room_kind_for(const storage::TableSchema& table) {
  using storage::DataClassification;
  switch (table.classification) {
    case DataClassification::kTick: return RoomKind::kTick;
    case DataClassification::kRealtimeQuote: return RoomKind::kQuote;
    case DataClassification::kMinuteKline: return RoomKind::kKline1m;
    case DataClassification::kOrderBookDepth: return RoomKind::kDepth;
    case DataClassification::kIndexQuote: return RoomKind::kIndex;
    default: return std::nullopt;
  }
}

namespace {

// The pushed `data` of one row ({column: value} without symbol and time); nullopt for a bar
// that is not 1-minute.
std::optional<boost::json::object> row_data(const storage::TableSchema& table, RoomKind kind,
                                            const RecordBatch& batch, size_t row) {
  if (const Column* frequency = batch.column("frequency");
      kind == RoomKind::kKline1m && frequency != nullptr && frequency->as<std::string>()[row] != "1m") {
    return std::nullopt;
  }
  const Schema& schema = batch.schema();
  boost::json::object data;
  for (size_t column = 0; column < schema.size(); ++column) {
    const Field& field = schema.field(column);
    if (field.name == "symbol" || field.name == table.time_column) continue;
    data[field.name] = cell_json(field, batch.column(column), row);
  }
  // Bars stored before minute_kline had a `final` column are final.
  if (kind == RoomKind::kKline1m && (!data.contains("final") || data["final"].is_null())) data["final"] = true;
  return data;
}

}  // namespace

std::optional<boost::json::object> MarketFeed::row_message(const storage::TableSchema& table,
                                                           const RecordBatch& batch, size_t row) {
  const std::optional<RoomKind> kind = room_kind_for(table);
  const Column* symbols = batch.column("symbol");
  const Column* times = table.time_column.empty() ? nullptr : batch.column(table.time_column);
  if (!kind || symbols == nullptr || times == nullptr || row >= batch.num_rows()) return std::nullopt;
  std::optional<boost::json::object> data = row_data(table, *kind, batch, row);
  if (!data) return std::nullopt;
  return boost::json::object{{"symbol", symbols->as<std::string>()[row]},
                             {"data", std::move(*data)},
                             {"timestamp", times->as<int64_t>()[row]}};
}

size_t MarketFeed::publish_rows(const storage::TableSchema& table, const RecordBatch& batch) {
  return publish(table, batch, /*forming=*/false);
}

size_t MarketFeed::publish_forming_bars(const storage::TableSchema& table, const RecordBatch& batch) {
  if (room_kind_for(table) != RoomKind::kKline1m) return 0;
  return publish(table, batch, /*forming=*/true);
}

size_t MarketFeed::publish(const storage::TableSchema& table, const RecordBatch& batch, bool forming) {
  const std::optional<RoomKind> kind = room_kind_for(table);
  const Column* symbols = batch.column("symbol");
  const Column* times = table.time_column.empty() ? nullptr : batch.column(table.time_column);
  if (!kind || symbols == nullptr || times == nullptr) return 0;
  // A bar is stamped with its start, so it is a minute old when it closes: judge it by its end.
  // Forming bars are live by definition.
  const int64_t stamp_age = *kind == RoomKind::kKline1m ? kMillisPerMinute : 0;
  const int64_t oldest = live_window_ms_ > 0 && !forming ? clock_.now_ms() - live_window_ms_ - stamp_age : INT64_MIN;
  size_t published = 0;
  for (size_t row = 0; row < batch.num_rows(); ++row) {
    const TimestampMs ts = times->as<int64_t>()[row];
    if (ts < oldest) continue;
    std::optional<boost::json::object> data = row_data(table, *kind, batch, row);
    if (!data) continue;
    const std::string& symbol = symbols->as<std::string>()[row];
    if (forming) {
      channel_.publish_forming_bar(symbol, std::move(*data), ts);
    } else {
      channel_.publish(*kind, symbol, std::move(*data), ts);
    }
    ++published;
  }
  return published;
}

}  // namespace mystocks::realtime
