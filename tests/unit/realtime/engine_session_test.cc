#include "realtime/engine_session.h"

#include <gtest/gtest.h>

#include "realtime/recovery_store.h"

namespace mystocks::realtime {
namespace {

WirePacket text(const std::string& body) { return encode_packet(EnginePacketType::kMessage, body); }

TEST(EngineSessionTest, ConflatesUnsentPacketsWithTheSameKeyInPlace) {
  EngineSession session("sid", TransportKind::kWebSocket, {.max_queue_packets = 10}, 0);
  int wakes = 0;
  session.set_waker([&] { ++wakes; });
  EXPECT_EQ(session.send(text("tick1")), EngineSession::SendResult::kQueued);
  EXPECT_EQ(session.send(text("quoteA1"), "quote:A"), EngineSession::SendResult::kQueued);
  EXPECT_EQ(session.send(text("tick2")), EngineSession::SendResult::kQueued);
  EXPECT_EQ(session.send(text("quoteA2"), "quote:A"), EngineSession::SendResult::kConflated);
  EXPECT_EQ(session.send(text("quoteB1"), "quote:B"), EngineSession::SendResult::kQueued);
  std::vector<WirePacket> drained = session.take_all();
  ASSERT_EQ(drained.size(), 4u);
  EXPECT_EQ(*drained[0].bytes, "4tick1");
  EXPECT_EQ(*drained[1].bytes, "4quoteA2");  // newest value, original position
  EXPECT_EQ(*drained[2].bytes, "4tick2");
  EXPECT_EQ(*drained[3].bytes, "4quoteB1");
  EXPECT_EQ(wakes, 1);  // only the first packet wakes the transport; the queue was not drained
  // After a drain the key is free again: the next quote queues normally.
  EXPECT_EQ(session.send(text("quoteA3"), "quote:A"), EngineSession::SendResult::kQueued);
  EXPECT_EQ(*session.take_all()[0].bytes, "4quoteA3");
}

TEST(EngineSessionTest, AnEndingPollDoesNotDetachTheWakerOfTheTransportThatReplacedIt) {
  EngineSession session("sid", TransportKind::kPolling, {.max_queue_packets = 10}, 0);
  int poll_wakes = 0;
  int websocket_wakes = 0;
  const uint64_t poll = session.set_waker([&] { ++poll_wakes; });
  // The client upgrades while its long-poll is still open: the WebSocket installs its waker...
  const uint64_t websocket = session.set_waker([&] { ++websocket_wakes; });
  session.clear_waker(poll);  // ...and then the old poll ends.
  EXPECT_EQ(session.send(text("after upgrade")), EngineSession::SendResult::kQueued);
  EXPECT_EQ(websocket_wakes, 1);
  EXPECT_EQ(poll_wakes, 0);
  session.clear_waker(websocket);
  (void)session.take_all();
  EXPECT_EQ(session.send(text("detached")), EngineSession::SendResult::kQueued);
  EXPECT_EQ(websocket_wakes, 1);
}

TEST(EngineSessionTest, SharedBroadcastKeysConflateAndDrainingIntoAVectorReportsClose) {
  EngineSession session("sid", TransportKind::kWebSocket, {.max_queue_packets = 10}, 0);
  int wakes = 0;
  session.set_waker([&] { ++wakes; });
  const auto key = std::make_shared<const std::string>("/market quote:A");
  EXPECT_EQ(session.send(text("quoteA1"), key), EngineSession::SendResult::kQueued);
  EXPECT_EQ(session.send(text("tick"), EngineSession::ConflationKey()), EngineSession::SendResult::kQueued);
  EXPECT_EQ(session.send(text("quoteA2"), key), EngineSession::SendResult::kConflated);  // same object
  EXPECT_EQ(session.send(text("quoteA3"), std::make_shared<const std::string>("/market quote:A")),
            EngineSession::SendResult::kConflated);  // equal text from a later broadcast
  std::vector<WirePacket> out{text("stale")};
  EXPECT_FALSE(session.take_all(out));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(*out[0].bytes, "4quoteA3");
  EXPECT_EQ(*out[1].bytes, "4tick");
  EXPECT_EQ(wakes, 1);
  session.close("server shutting down");
  EXPECT_EQ(wakes, 2);  // closing wakes the transport too
  EXPECT_TRUE(session.take_all(out));
  EXPECT_TRUE(out.empty());
}

TEST(EngineSessionTest, BoundedQueueReportsOverflowAndClosedSessionsRefuse) {
  EngineSession session("sid", TransportKind::kPolling, {.max_queue_packets = 2}, 0);
  EXPECT_EQ(session.send(text("a")), EngineSession::SendResult::kQueued);
  EXPECT_EQ(session.send(text("b")), EngineSession::SendResult::kQueued);
  EXPECT_EQ(session.send(text("c")), EngineSession::SendResult::kOverflow);
  EXPECT_EQ(session.queued(), 2u);
  session.close("slow consumer");
  EXPECT_EQ(session.send(text("d")), EngineSession::SendResult::kClosed);
  EXPECT_EQ(session.close_reason(), "slow consumer");
}

TEST(EngineSessionTest, HeartbeatPingsOnScheduleAndTimesOutWithoutPong) {
  EngineSession session("sid", TransportKind::kPolling,
                        {.ping_interval_ms = 100, .ping_timeout_ms = 50}, 1000);
  bool timed_out = false;
  EXPECT_FALSE(session.heartbeat_due(1099, timed_out));
  EXPECT_TRUE(session.heartbeat_due(1100, timed_out));
  EXPECT_FALSE(session.heartbeat_due(1120, timed_out));
  EXPECT_FALSE(timed_out);
  session.on_pong(1130);
  EXPECT_FALSE(session.heartbeat_due(1200, timed_out));
  EXPECT_TRUE(session.heartbeat_due(1230, timed_out));
  EXPECT_FALSE(session.heartbeat_due(1280, timed_out));
  EXPECT_TRUE(timed_out);
}

TEST(EngineSessionTest, OnlyOnePollAtATime) {
  EngineSession session("sid", TransportKind::kPolling, {}, 0);
  EXPECT_TRUE(session.begin_poll());
  EXPECT_FALSE(session.begin_poll());
  session.end_poll();
  EXPECT_TRUE(session.begin_poll());
}

TEST(RecoveryStoreTest, RestoresRoomsAndMissedPacketsWithinTheWindow) {
  RecoveryStore store(1000, 100);
  auto record = [&](const std::string& room, const std::string& body, int64_t at) {
    const uint64_t offset = store.next_offset();
    store.record(offset, "/market", room, text(body), at);
    return offset;
  };
  const uint64_t seen = record("quote:A", "q1", 0);
  store.save("pid1", {.socket_id = "s1", .nsp = "/market", .rooms = {"quote:A"}, .saved_at_ms = 10});
  record("quote:A", "q2", 20);
  record("quote:B", "other", 30);
  record("quote:A", "q3", 40);
  auto restored = store.restore("pid1", "/market", seen, 500);
  ASSERT_TRUE(restored.has_value());
  EXPECT_EQ(restored->socket.socket_id, "s1");
  ASSERT_EQ(restored->missed.size(), 2u);
  EXPECT_EQ(*restored->missed[0].bytes, "4q2");
  EXPECT_EQ(*restored->missed[1].bytes, "4q3");
  EXPECT_FALSE(store.restore("pid1", "/market", seen, 500).has_value()) << "one use";
}

TEST(RecoveryStoreTest, RefusesExpiredSessionsWrongNamespaceAndEvictedPackets) {
  RecoveryStore store(1000, 2);
  store.save("late", {.socket_id = "s", .nsp = "/", .rooms = {}, .saved_at_ms = 0});
  EXPECT_FALSE(store.restore("late", "/", std::nullopt, 2000).has_value());
  store.save("ns", {.socket_id = "s", .nsp = "/", .rooms = {}, .saved_at_ms = 0});
  EXPECT_FALSE(store.restore("ns", "/market", std::nullopt, 10).has_value());
  const uint64_t first = store.next_offset();
  store.record(first, "/", "r", text("1"), 0);
  store.save("evicted", {.socket_id = "s", .nsp = "/", .rooms = {"r"}, .saved_at_ms = 0});
  for (int i = 0; i < 3; ++i) store.record(store.next_offset(), "/", "r", text("x"), 0);
  EXPECT_EQ(store.buffered_packets(), 2u);
  EXPECT_FALSE(store.restore("evicted", "/", first, 10).has_value()) << "a missed packet is gone";
}

}  // namespace
}  // namespace mystocks::realtime
