// Engine.IO v4 packets and payloads (https://socket.io/docs/v4/engine-io-protocol/): the type
// digit, text and binary packets, and the HTTP long-polling payload (packets joined by the record
// separator 0x1e, binary packets as "b" + base64). Pure functions: safe from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace mystocks::realtime {

enum class EnginePacketType : char {
  kOpen = '0',
  kClose = '1',
  kPing = '2',
  kPong = '3',
  kMessage = '4',
  kUpgrade = '5',
  kNoop = '6',
};

// One Engine.IO packet. Text packets keep their type digit in `data`'s first byte on the wire;
// here `data` is the payload after the type. Binary packets are always messages.
struct EnginePacket {
  EnginePacketType type = EnginePacketType::kMessage;
  std::string data;
  bool binary = false;
};

// An encoded packet ready for the wire, shared by every recipient of a broadcast. For text
// packets `bytes` holds the type digit plus payload; for binary ones the raw bytes.
struct WirePacket {
  std::shared_ptr<const std::string> bytes;
  bool binary = false;
};

WirePacket encode_packet(EnginePacketType type, std::string_view data = {});
WirePacket encode_binary(std::string bytes);

// Decodes one WebSocket frame (text frames carry the type digit; binary frames are messages).
Result<EnginePacket> decode_frame(std::string_view frame, bool binary);

// Splits a polling POST body into packets. Errors name the offending packet index.
Result<std::vector<EnginePacket>> decode_payload(std::string_view body);

// Joins packets into one polling response body.
std::string encode_payload(const std::vector<WirePacket>& packets);

std::string base64_encode(std::string_view bytes);
Result<std::string> base64_decode(std::string_view text);

}  // namespace mystocks::realtime
