// Socket.IO v5 packets (https://socket.io/docs/v4/socket-io-protocol/):
//   <type>[<attachments>-][<namespace>,][<ack id>][<JSON payload>]
// Binary attachments travel as separate Engine.IO binary messages after the packet; the JSON
// keeps {"_placeholder":true,"num":N} where each attachment belongs. Pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "core/status.h"

namespace mystocks::realtime {

enum class SocketPacketType : uint8_t {
  kConnect = 0,
  kDisconnect = 1,
  kEvent = 2,
  kAck = 3,
  kConnectError = 4,
  kBinaryEvent = 5,
  kBinaryAck = 6,
};

struct SocketPacket {
  SocketPacketType type = SocketPacketType::kEvent;
  std::string nsp = "/";
  std::optional<int64_t> id;       // ack id
  boost::json::value data;         // null when absent
  std::vector<std::string> attachments;  // binary attachments in placeholder order
  size_t expected_attachments = 0;       // from the header, while decoding
};

// Encodes the text part; attachments (if any) are sent after it as binary messages.
std::string encode_socket_packet(const SocketPacket& packet);

// Decodes the text part of a packet and validates its payload shape; errors say what is wrong.
Result<SocketPacket> decode_socket_packet(std::string_view text);

// A complete binary packet's placeholders must each name one of its attachments by an integer
// index (the reference parser's "illegal attachments"); text packets are not checked.
Status check_placeholders(const SocketPacket& packet);

}  // namespace mystocks::realtime
