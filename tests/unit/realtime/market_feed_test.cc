// Rows saved to market tables reach the members of their rooms: the feed, the channel and the
// socket server together, with a session driven by protocol packets and a manual clock.
#include "realtime/market_feed.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "storage/tables_yaml.h"
#include "support/source_dir.h"

namespace mystocks::realtime {
namespace {

class MarketFeedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<storage::TableCatalog> catalog = storage::load_tables_yaml(test::source_path("config/tables.yaml"));
    ASSERT_TRUE(catalog.is_ok()) << catalog.status().to_string();
    catalog_ = std::move(*catalog);
    channel_.install();
    session_ = server_.open_session(TransportKind::kWebSocket);
    send("0/market,");
    send(R"(2/market,["subscribe",{"room":"tick:600519.SH"}])");
    send(R"(2/market,["subscribe",{"room":"kline_1m:600519.SH"}])");
    session_->take_all();  // CONNECT reply and the subscribed events
  }

  void send(const std::string& text) {
    ASSERT_TRUE(server_.on_packet(session_, {EnginePacketType::kMessage, text, false}).is_ok());
  }

  // Text of every packet the session received since the last call.
  std::vector<std::string> received() {
    std::vector<std::string> out;
    for (const WirePacket& packet : session_->take_all()) out.push_back(*packet.bytes);
    return out;
  }

  RecordBatch tick_rows(const std::vector<std::pair<std::string, TimestampMs>>& rows) {
    const storage::TableSchema& tick = **catalog_.find("tick");
    RecordBatchBuilder builder(tick.schema());
    for (const auto& [symbol, ts] : rows) {
      for (size_t column = 0; column < tick.columns.size(); ++column) {
        const Field& field = tick.columns[column].field;
        if (field.name == "ts") builder.append_int64(column, ts);
        else if (field.name == "symbol") builder.append_string(column, symbol);
        else if (field.name == "exchange") builder.append_string(column, "SH");
        else if (field.name == "last") builder.append_int64(column, 1850010);  // decimal(3)
        else if (field.type == ColumnType::kDecimal || field.type == ColumnType::kInt64) {
          if (field.nullable) builder.append_null(column); else builder.append_int64(column, 100);
        } else {
          builder.append_null(column);
        }
      }
    }
    Result<RecordBatch> batch = builder.finish();
    EXPECT_TRUE(batch.is_ok()) << batch.status().to_string();
    return std::move(*batch);
  }

  storage::TableCatalog catalog_;
  MetricsRegistry metrics_;
  ManualClock clock_{1'706'664'600'000};
  SocketServer server_{RealtimeOptions{}, clock_, metrics_};
  MarketChannel channel_{server_, clock_, metrics_, {.batch_window_ms = 50, .batch_max_messages = 100}};
  MarketFeed feed_{channel_, clock_, 60'000};
  std::shared_ptr<EngineSession> session_;
};

TEST_F(MarketFeedTest, LiveTicksReachTheirRoomWithTypedValues) {
  const TimestampMs now = clock_.now_ms();
  RecordBatch batch = tick_rows({{"600519.SH", now - 1000}, {"000001.SZ", now}, {"600519.SH", now - 3'600'000}});
  EXPECT_EQ(feed_.publish_rows(**catalog_.find("tick"), batch), 2u) << "the hour-old row is a backfill";
  EXPECT_TRUE(received().empty()) << "batched until the window passes";
  clock_.advance_ms(50);
  channel_.tick();
  std::vector<std::string> packets = received();
  ASSERT_EQ(packets.size(), 1u) << "only the subscribed symbol";
  EXPECT_NE(packets[0].find(R"(42/market,["tick",{"symbol":"600519.SH","data":{)"), std::string::npos) << packets[0];
  const std::string prefix = "42/market,";
  boost::json::array event = boost::json::parse(packets[0].substr(prefix.size())).as_array();
  const boost::json::object& message = event[1].as_object();
  EXPECT_DOUBLE_EQ(message.at("data").at("last").as_double(), 1850.01);
  EXPECT_TRUE(message.at("data").at("bid1_price").is_null());
  EXPECT_EQ(message.at("timestamp").as_int64(), now - 1000);
}

TEST_F(MarketFeedTest, OnlyOneMinuteBarsAndMarketTablesArePushed) {
  EXPECT_EQ(MarketFeed::room_kind_for(**catalog_.find("daily_kline")), std::nullopt);
  EXPECT_EQ(MarketFeed::room_kind_for(**catalog_.find("realtime_quote")), RoomKind::kQuote);
  const storage::TableSchema& bars = **catalog_.find("minute_kline");
  RecordBatchBuilder builder(bars.schema());
  for (const char* frequency : {"1m", "5m"}) {
    for (size_t column = 0; column < bars.columns.size(); ++column) {
      const Field& field = bars.columns[column].field;
      // A bar is stamped with its start: one that began 100 s ago closed 40 s ago and is live.
      if (field.name == "ts") builder.append_int64(column, clock_.now_ms() - 100'000);
      else if (field.name == "symbol") builder.append_string(column, "600519.SH");
      else if (field.name == "frequency") builder.append_string(column, frequency);
      else if (field.name == "final")
        builder.append_bool(column, true);
      else builder.append_int64(column, 1000);
    }
  }
  for (size_t column = 0; column < bars.columns.size(); ++column) {  // closed 70 s ago: backfill
    const Field& field = bars.columns[column].field;
    if (field.name == "ts") builder.append_int64(column, clock_.now_ms() - 130'000);
    else if (field.name == "symbol") builder.append_string(column, "600519.SH");
    else if (field.name == "frequency") builder.append_string(column, "1m");
    else if (field.name == "final")
      builder.append_bool(column, true);
    else builder.append_int64(column, 1000);
  }
  Result<RecordBatch> batch = builder.finish();
  ASSERT_TRUE(batch.is_ok()) << batch.status().to_string();
  EXPECT_EQ(feed_.publish_rows(bars, *batch), 1u);
  channel_.flush();
  std::vector<std::string> packets = received();
  ASSERT_EQ(packets.size(), 1u);
  EXPECT_NE(packets[0].find(R"(["kline_1m",{"symbol":"600519.SH")"), std::string::npos) << packets[0];
}

}  // namespace
}  // namespace mystocks::realtime
