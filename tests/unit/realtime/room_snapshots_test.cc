// RoomSnapshots: per-room sequence numbers, the newest message as the snapshot, the source
// before the first push, and the bound on tracked rooms.
#include "realtime/room_snapshots.h"

#include <gtest/gtest.h>

namespace mystocks::realtime {
namespace {

namespace json = boost::json;

TEST(RoomSnapshotsTest, EachRoomNumbersItsPushesAndKeepsTheNewest) {
  RoomSnapshots snapshots;
  json::object first{{"symbol", "600519.SH"}, {"data", {{"last", 1}}}, {"timestamp", 10}};
  json::object second{{"symbol", "600519.SH"}, {"data", {{"last", 2}}}, {"timestamp", 20}};
  json::object other{{"symbol", "000001.SZ"}, {"data", {{"last", 9}}}, {"timestamp", 15}};
  snapshots.advance("quote:600519.SH", first);
  snapshots.advance("quote:000001.SZ", other);
  snapshots.advance("quote:600519.SH", second);
  EXPECT_EQ(first.at("seq").as_uint64(), 1u);
  EXPECT_EQ(other.at("seq").as_uint64(), 1u);
  EXPECT_EQ(second.at("seq").as_uint64(), 2u);
  const json::object snapshot = snapshots.snapshot("quote:600519.SH", "600519.SH");
  EXPECT_EQ(snapshot.at("seq").as_uint64(), 2u);
  EXPECT_EQ(snapshot.at("timestamp").as_int64(), 20);
  EXPECT_EQ(snapshot.at("data").at("last").as_int64(), 2);
  EXPECT_EQ(snapshot.at("room").as_string(), "quote:600519.SH");
}

TEST(RoomSnapshotsTest, TheSourceAnswersUntilTheFirstPush) {
  RoomSnapshots snapshots;
  int calls = 0;
  snapshots.set_source([&](const std::string&) -> std::optional<json::object> {
    ++calls;
    return json::object{{"symbol", "600519.SH"}, {"data", {{"last", 7}}}, {"timestamp", 5}, {"seq", 99}};
  });
  json::object stored = snapshots.snapshot("tick:600519.SH", "600519.SH");
  EXPECT_EQ(stored.at("seq").as_int64(), 0) << "the source's own seq is ignored";
  EXPECT_EQ(stored.at("data").at("last").as_int64(), 7);
  json::object pushed{{"symbol", "600519.SH"}, {"data", {{"last", 8}}}, {"timestamp", 6}};
  snapshots.advance("tick:600519.SH", pushed);
  EXPECT_EQ(snapshots.snapshot("tick:600519.SH", "600519.SH").at("data").at("last").as_int64(), 8);
  EXPECT_EQ(calls, 1);
}

TEST(RoomSnapshotsTest, RoomsBeyondTheBoundArePushedWithoutANumber) {
  RoomSnapshots snapshots(/*max_rooms=*/1);
  json::object first{{"data", nullptr}};
  json::object second{{"data", nullptr}};
  snapshots.advance("tick:600519.SH", first);
  snapshots.advance("tick:000001.SZ", second);
  EXPECT_TRUE(first.contains("seq"));
  EXPECT_FALSE(second.contains("seq"));
  EXPECT_EQ(snapshots.size(), 1u);
  EXPECT_TRUE(snapshots.snapshot("tick:000001.SZ", "000001.SZ").at("data").is_null());
}

}  // namespace
}  // namespace mystocks::realtime
