// SocketServer's handling of protocol violations: each closes the offending session and returns
// (a self-deadlock on the session lock once froze the server here), and the lock rule of
// callout_mutex.h holds at every call out, which debug builds assert.
#include "realtime/socket_server.h"

#include <gtest/gtest.h>

#include "core/clock.h"
#include "core/metrics.h"

namespace mystocks::realtime {
namespace {

namespace json = boost::json;

class SocketServerTest : public ::testing::Test {
 protected:
  SocketServerTest() : server_({}, clock_, metrics_) {
    server_.on("/", "echo",
               [this](const std::shared_ptr<Socket>& socket, Event& event, const Ack& ack) {
                 ack(event.args, event.attachments);
                 server_.emit(socket, "echoed", json::array{json::value(event.name)});
               });
  }

  // A session whose socket joined the main namespace (Socket.IO CONNECT "0"), queue drained.
  std::shared_ptr<EngineSession> connected() {
    auto session = server_.open_session(TransportKind::kWebSocket);
    EXPECT_TRUE(server_.on_packet(session, text("0")).is_ok());
    session->take_all();
    return session;
  }
  // Engine.IO message packets; `body` is the Socket.IO packet (no leading "4").
  static EnginePacket text(std::string body) {
    return {EnginePacketType::kMessage, std::move(body), false};
  }
  static EnginePacket binary(std::string body) {
    return {EnginePacketType::kMessage, std::move(body), true};
  }
  std::vector<std::string> drained(EngineSession& session) {
    std::vector<std::string> out;
    for (const WirePacket& packet : session.take_all()) out.push_back(*packet.bytes);
    return out;
  }

  ManualClock clock_{1000};
  MetricsRegistry metrics_;
  SocketServer server_;
};

TEST_F(SocketServerTest, BinaryMessageWithoutHeaderClosesTheSessionAndReturns) {
  auto session = server_.open_session(TransportKind::kWebSocket);
  EXPECT_FALSE(server_.on_packet(session, binary(std::string(1, '\0'))).is_ok());
  EXPECT_TRUE(session->closed());
  EXPECT_EQ(session->close_reason(), "parse error");
  EXPECT_EQ(server_.session_count(), 0u);
}

TEST_F(SocketServerTest, SecondBinaryHeaderBeforeTheFirstCompletedClosesTheSession) {
  auto session = connected();
  const std::string header = R"(51-["echo",{"_placeholder":true,"num":0}])";
  EXPECT_TRUE(server_.on_packet(session, text(header)).is_ok());
  EXPECT_FALSE(server_.on_packet(session, text(header)).is_ok());
  EXPECT_TRUE(session->closed());
}

TEST_F(SocketServerTest, CompleteBinaryEventIsDeliveredWithItsAttachment) {
  auto session = connected();
  ASSERT_TRUE(
      server_.on_packet(session, text(R"(51-17["echo",{"_placeholder":true,"num":0}])")).is_ok());
  ASSERT_TRUE(server_.on_packet(session, binary("\x01\x02")).is_ok());
  const std::vector<std::string> out = drained(*session);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0], R"(461-17[{"_placeholder":true,"num":0}])");
  EXPECT_EQ(out[1], "\x01\x02");
  EXPECT_EQ(out[2], R"(42["echoed","echo"])");
}

TEST_F(SocketServerTest, PlaceholderOutsideTheAttachmentsClosesTheSession) {
  for (const std::string num : {"1", "-1", "\"0\"", "0.5"}) {
    auto session = connected();
    ASSERT_TRUE(
        server_.on_packet(session, text(R"(51-["echo",{"_placeholder":true,"num":)" + num + "}]"))
            .is_ok());
    EXPECT_FALSE(server_.on_packet(session, binary("x")).is_ok()) << num;
    EXPECT_TRUE(session->closed()) << num;
  }
}

TEST_F(SocketServerTest, NonStringOrReservedEventNamesCloseTheSession) {
  for (const std::string packet : {"2[1,2,3]", R"(2["disconnect"])", "2[null]"}) {
    auto session = connected();
    EXPECT_FALSE(server_.on_packet(session, text(packet)).is_ok()) << packet;
    EXPECT_TRUE(session->closed()) << packet;
  }
}

TEST_F(SocketServerTest, LeavingTheLastNamespaceKeepsTheSessionOpen) {
  auto session = connected();
  ASSERT_TRUE(server_.on_packet(session, text("1")).is_ok());
  EXPECT_FALSE(session->closed());
  // Connecting again works; a packet for a namespace not joined closes, as with Node.
  ASSERT_TRUE(server_.on_packet(session, text("0")).is_ok());
  ASSERT_TRUE(server_.on_packet(session, text("1")).is_ok());
  EXPECT_FALSE(server_.on_packet(session, text(R"(2["echo"])")).is_ok());
  EXPECT_TRUE(session->closed());
}

TEST_F(SocketServerTest, DuplicateConnectAndClientPingCloseTheSession) {
  auto session = connected();
  EXPECT_FALSE(server_.on_packet(session, text("0")).is_ok());
  EXPECT_TRUE(session->closed());

  auto pinger = connected();
  EXPECT_FALSE(server_.on_packet(pinger, {EnginePacketType::kPing, "", false}).is_ok());
  EXPECT_TRUE(pinger->closed());
}

TEST_F(SocketServerTest, OverflowingQueueDuringAnEventClosesWithoutDeadlock) {
  // A handler that sends past the queue bound makes deliver() close the session from inside the
  // event: every lock must be released by then.
  RealtimeOptions options;
  options.engine.max_queue_packets = 4;
  SocketServer server(options, clock_, metrics_);
  server.on("/", "flood", [&server](const std::shared_ptr<Socket>& socket, Event&, const Ack&) {
    for (int index = 0; index < 10; ++index) server.emit(socket, "x", json::array{index});
  });
  auto session = server.open_session(TransportKind::kWebSocket);
  ASSERT_TRUE(server.on_packet(session, text("0")).is_ok());
  EXPECT_TRUE(server.on_packet(session, text(R"(2["flood"])")).is_ok());
  EXPECT_TRUE(session->closed());
  EXPECT_EQ(session->close_reason(), "slow consumer");
}

#ifndef NDEBUG
TEST(CalloutMutexDeathTest, CallingOutWhileHoldingARealtimeLockAborts) {
  CalloutMutex mutex;
  EXPECT_EQ(CalloutMutex::held_by_this_thread(), 0);
  {
    std::lock_guard lock(mutex);
    EXPECT_EQ(CalloutMutex::held_by_this_thread(), 1);
    EXPECT_DEATH(assert_no_lock_held(), "call out");
  }
  EXPECT_EQ(CalloutMutex::held_by_this_thread(), 0);
  assert_no_lock_held();
}
#endif

}  // namespace
}  // namespace mystocks::realtime
