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

size_t MarketFeed::publish_rows(const storage::TableSchema& table, const RecordBatch& batch) {
  const std::optional<RoomKind> kind = room_kind_for(table);
  const Column* symbols = batch.column("symbol");
  const Column* times = table.time_column.empty() ? nullptr : batch.column(table.time_column);
  if (!kind || symbols == nullptr || times == nullptr) return 0;
  const Column* frequency = *kind == RoomKind::kKline1m ? batch.column("frequency") : nullptr;
  // A bar is stamped with its start, so it is a minute old when it closes: judge it by its end.
  const int64_t stamp_age = *kind == RoomKind::kKline1m ? kMillisPerMinute : 0;
  const int64_t oldest =
      live_window_ms_ > 0 ? clock_.now_ms() - live_window_ms_ - stamp_age : INT64_MIN;
  const Schema& schema = batch.schema();
  size_t published = 0;
  for (size_t row = 0; row < batch.num_rows(); ++row) {
    const TimestampMs ts = times->as<int64_t>()[row];
    if (ts < oldest) continue;
    if (frequency != nullptr && frequency->as<std::string>()[row] != "1m") continue;
    boost::json::object data;
    for (size_t column = 0; column < schema.size(); ++column) {
      const Field& field = schema.field(column);
      if (field.name == "symbol" || field.name == table.time_column) continue;
      data[field.name] = cell_json(field, batch.column(column), row);
    }
    channel_.publish(*kind, symbols->as<std::string>()[row], std::move(data), ts);
    ++published;
  }
  return published;
}

}  // namespace mystocks::realtime
