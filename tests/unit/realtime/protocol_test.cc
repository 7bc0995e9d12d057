#include <fstream>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "realtime/engineio_protocol.h"
#include "realtime/socketio_protocol.h"
#include "support/source_dir.h"

namespace mystocks::realtime {
namespace {

namespace json = boost::json;

std::string trim(std::string text) {
  const size_t start = text.find_first_not_of(' ');
  const size_t end = text.find_last_not_of(' ');
  return start == std::string::npos ? std::string() : text.substr(start, end - start + 1);
}

// Data-driven: tests/golden/realtime/socketio_packets.txt.
TEST(SocketIoProtocolTest, GoldenPackets) {
  std::ifstream in(test::source_path("tests/golden/realtime/socketio_packets.txt"));
  ASSERT_TRUE(in);
  std::string line;
  int cases = 0;
  while (std::getline(in, line)) {
    if (line.starts_with("#") || line.empty()) continue;
    const size_t arrow = line.find("=>");
    ASSERT_NE(arrow, std::string::npos) << line;
    const std::string encoded = trim(line.substr(0, arrow));
    const std::string expected = trim(line.substr(arrow + 2));
    ++cases;
    Result<SocketPacket> packet = decode_socket_packet(encoded);
    if (expected.starts_with("error: ")) {
      ASSERT_FALSE(packet.is_ok()) << "'" << encoded << "' should be rejected";
      EXPECT_NE(packet.status().message().find(expected.substr(7)), std::string::npos)
          << packet.status().message();
      continue;
    }
    ASSERT_TRUE(packet.is_ok()) << encoded << ": " << packet.status().message();
    std::istringstream fields(expected);
    int type = 0;
    std::string nsp, id, attachments, data;
    fields >> type >> nsp >> id >> attachments >> data;
    EXPECT_EQ(static_cast<int>(packet->type), type) << encoded;
    EXPECT_EQ(packet->nsp, nsp) << encoded;
    EXPECT_EQ(packet->id ? std::to_string(*packet->id) : "-", id) << encoded;
    EXPECT_EQ(std::to_string(packet->expected_attachments), attachments) << encoded;
    EXPECT_EQ(packet->data.is_null() ? "-" : json::serialize(packet->data), data) << encoded;
    // Round trip: re-encoding gives the same text (attachment count comes from the vector).
    packet->attachments.resize(packet->expected_attachments);
    EXPECT_EQ(encode_socket_packet(*packet), encoded);
  }
  EXPECT_GT(cases, 20);
}

TEST(EngineIoProtocolTest, PollingPayloadRoundTripWithBinary) {
  std::vector<WirePacket> packets{encode_packet(EnginePacketType::kMessage, "hello"),
                                  encode_binary(std::string("\x00\x01\x02\xff", 4)),
                                  encode_packet(EnginePacketType::kPing)};
  const std::string body = encode_payload(packets);
  EXPECT_EQ(body, "4hello\x1e" "bAAEC/w==\x1e" "2");
  Result<std::vector<EnginePacket>> decoded = decode_payload(body);
  ASSERT_TRUE(decoded.is_ok());
  ASSERT_EQ(decoded->size(), 3u);
  EXPECT_EQ((*decoded)[0].type, EnginePacketType::kMessage);
  EXPECT_EQ((*decoded)[0].data, "hello");
  EXPECT_TRUE((*decoded)[1].binary);
  EXPECT_EQ((*decoded)[1].data, std::string("\x00\x01\x02\xff", 4));
  EXPECT_EQ((*decoded)[2].type, EnginePacketType::kPing);
}

TEST(EngineIoProtocolTest, RejectsBadPayloads) {
  EXPECT_FALSE(decode_payload("4ok\x1e" "9bad").is_ok());
  EXPECT_FALSE(decode_payload("b!!!!").is_ok());
  EXPECT_FALSE(decode_payload("bAAE").is_ok());  // length not a multiple of 4
  EXPECT_FALSE(decode_frame("", false).is_ok());
  EXPECT_TRUE(decode_frame("\x07", true).is_ok());  // binary frames are messages
}

TEST(EngineIoProtocolTest, Base64MatchesRfc4648) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(*base64_decode("Zg=="), "f");
  EXPECT_EQ(*base64_decode("Zm8="), "fo");
  EXPECT_EQ(*base64_decode("Zm9vYmFy"), "foobar");
}

}  // namespace
}  // namespace mystocks::realtime
