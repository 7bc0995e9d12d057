#include "realtime/websocket_frame.h"

#include <gtest/gtest.h>

namespace mystocks::realtime {
namespace {

// A client frame as a browser sends it: masked with `mask`.
std::string client_frame(uint8_t first_byte, std::string_view payload, uint32_t mask = 0x37fa213d) {
  std::string frame;
  frame.push_back(static_cast<char>(first_byte));
  const uint8_t mask_bit = 0x80;
  if (payload.size() < 126) {
    frame.push_back(static_cast<char>(mask_bit | payload.size()));
  } else if (payload.size() <= 0xFFFF) {
    frame.push_back(static_cast<char>(mask_bit | 126));
    frame.push_back(static_cast<char>(payload.size() >> 8));
    frame.push_back(static_cast<char>(payload.size() & 0xFF));
  } else {
    frame.push_back(static_cast<char>(mask_bit | 127));
    for (int index = 7; index >= 0; --index) frame.push_back(static_cast<char>(uint64_t{payload.size()} >> (8 * index)));
  }
  const char key[4] = {static_cast<char>(mask >> 24), static_cast<char>(mask >> 16),
                       static_cast<char>(mask >> 8), static_cast<char>(mask)};
  frame.append(key, 4);
  for (size_t index = 0; index < payload.size(); ++index) frame.push_back(static_cast<char>(payload[index] ^ key[index & 3]));
  return frame;
}

TEST(WebSocketFrameTest, ServerHeadersUseTheShortestLengthForm) {
  uint8_t header[kWsMaxHeaderBytes];
  ASSERT_EQ(encode_ws_header(WsOpcode::kText, 125, header), 2u);
  EXPECT_EQ(header[0], 0x81);
  EXPECT_EQ(header[1], 125);
  ASSERT_EQ(encode_ws_header(WsOpcode::kBinary, 126, header), 4u);
  EXPECT_EQ(header[0], 0x82);
  EXPECT_EQ(header[1], 126);
  EXPECT_EQ(header[2], 0);
  EXPECT_EQ(header[3], 126);
  ASSERT_EQ(encode_ws_header(WsOpcode::kText, 65536, header), 10u);
  EXPECT_EQ(header[1], 127);
  EXPECT_EQ(header[7], 1);  // 0x00000000'00010000 big-endian
  EXPECT_EQ(header[9], 0);
  EXPECT_EQ(encode_ws_close(1008, "slow consumer"), std::string("\x88\x0f\x03\xf0slow consumer", 17));
}

TEST(WebSocketFrameTest, ReadsMaskedMessagesSplitAcrossReadsAndSeveralPerRead) {
  WebSocketReader reader(1000);
  const std::string frames = client_frame(0x81, "42[\"subscribe\"]") + client_frame(0x82, std::string("\x01\x02", 2)) +
                             client_frame(0x81, std::string(300, 'x'));
  // Byte by byte: nothing completes early, every message arrives whole and in order.
  std::vector<WebSocketReader::Item> items;
  for (char byte : frames) {
    reader.feed(std::string_view(&byte, 1));
    for (auto item = reader.next(); item.kind != WebSocketReader::Kind::kNeedMore; item = reader.next()) {
      items.push_back(std::move(item));
    }
  }
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].kind, WebSocketReader::Kind::kText);
  EXPECT_EQ(items[0].payload, "42[\"subscribe\"]");
  EXPECT_EQ(items[1].kind, WebSocketReader::Kind::kBinary);
  EXPECT_EQ(items[1].payload, std::string("\x01\x02", 2));
  EXPECT_EQ(items[2].payload, std::string(300, 'x'));
  // All at once: the same three.
  WebSocketReader whole(1000);
  whole.feed(frames);
  EXPECT_EQ(whole.next().payload, "42[\"subscribe\"]");
  EXPECT_EQ(whole.next().kind, WebSocketReader::Kind::kBinary);
  EXPECT_EQ(whole.next().payload.size(), 300u);
  EXPECT_EQ(whole.next().kind, WebSocketReader::Kind::kNeedMore);
}

TEST(WebSocketFrameTest, AssemblesFragmentsAroundInterleavedControlFrames) {
  WebSocketReader reader(1000);
  reader.feed(client_frame(0x01, "4hel") + client_frame(0x89, "are you there") + client_frame(0x80, "lo"));
  WebSocketReader::Item ping = reader.next();
  EXPECT_EQ(ping.kind, WebSocketReader::Kind::kPing);
  EXPECT_EQ(ping.payload, "are you there");
  WebSocketReader::Item message = reader.next();
  EXPECT_EQ(message.kind, WebSocketReader::Kind::kText);
  EXPECT_EQ(message.payload, "4hello");
}

TEST(WebSocketFrameTest, CloseFramesCarryCodeAndReason) {
  WebSocketReader reader(1000);
  reader.feed(client_frame(0x88, std::string("\x03\xe8" "bye", 5)) + client_frame(0x88, ""));
  WebSocketReader::Item close = reader.next();
  EXPECT_EQ(close.kind, WebSocketReader::Kind::kClose);
  EXPECT_EQ(close.code, 1000);
  EXPECT_EQ(close.payload, "bye");
  EXPECT_EQ(reader.next().code, 1005);  // no status in the frame
}

TEST(WebSocketFrameTest, ProtocolViolationsNameTheCloseCode) {
  struct Case {
    std::string bytes;
    uint16_t code;
    std::string_view text;
  };
  const std::string unmasked = std::string("\x81\x02hi", 4);
  const Case cases[] = {
      {unmasked, kWsCloseProtocolError, "masked"},
      {client_frame(0xC1, "x"), kWsCloseProtocolError, "reserved bits"},
      {client_frame(0x83, "x"), kWsCloseProtocolError, "unknown data opcode"},
      {client_frame(0x8B, ""), kWsCloseProtocolError, "unknown control opcode"},
      {client_frame(0x09, "x"), kWsCloseProtocolError, "fragmented"},
      {client_frame(0x89, std::string(126, 'p')), kWsCloseProtocolError, "125 bytes"},
      {client_frame(0x80, "x"), kWsCloseProtocolError, "continuation frame without a message"},
      {client_frame(0x01, "a") + client_frame(0x81, "b"), kWsCloseProtocolError, "inside a fragmented"},
      {client_frame(0x81, std::string(101, 'x')), kWsCloseTooBig, "larger than 100 bytes"},
      {client_frame(0x01, std::string(60, 'x')) + client_frame(0x80, std::string(60, 'x')), kWsCloseTooBig, "larger"},
      {client_frame(0x81, "\xc0\xaf"), kWsCloseInvalidPayload, "not UTF-8"},
      {client_frame(0x88, "\x03"), kWsCloseProtocolError, "1-byte"},
      {client_frame(0x88, std::string("\x03\xed", 2)), kWsCloseProtocolError, "invalid close code 1005"},
  };
  for (const Case& test : cases) {
    WebSocketReader reader(100);
    reader.feed(test.bytes);
    WebSocketReader::Item item = reader.next();
    EXPECT_EQ(item.kind, WebSocketReader::Kind::kError) << test.text;
    EXPECT_EQ(item.code, test.code) << test.text;
    EXPECT_NE(item.payload.find(test.text), std::string::npos) << item.payload;
  }
}

TEST(WebSocketFrameTest, OversizedFramesFailBeforeTheirPayloadArrives) {
  WebSocketReader reader(1000);
  const std::string frame = client_frame(0x81, std::string(5000, 'x'));
  reader.feed(std::string_view(frame).substr(0, 8));  // header only
  EXPECT_EQ(reader.next().code, kWsCloseTooBig);
}

TEST(WebSocketFrameTest, Utf8ValidationRejectsOverlongsSurrogatesAndTruncation) {
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("\xe8\x8c\x85\xe5\x8f\xb0"));  // 茅台
  EXPECT_TRUE(is_valid_utf8("\xf0\x9f\x93\x88"));          // U+1F4C8
  EXPECT_FALSE(is_valid_utf8("\xc0\x80"));                  // overlong NUL
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));              // surrogate U+D800
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));          // beyond U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xe8\x8c"));                  // truncated
  EXPECT_FALSE(is_valid_utf8("\x80"));                      // lone continuation byte
}

}  // namespace
}  // namespace mystocks::realtime
