#include "realtime/socketio_protocol.h"

#include <charconv>

#include <boost/json/parse.hpp>

#include "core/json_text.h"

namespace mystocks::realtime {
namespace {

namespace json = boost::json;

Status malformed(std::string_view why, std::string_view text) {
  return error(ErrorCode::kMalformedRequest, "Socket.IO packet '{}' {}", text.substr(0, 64), why);
}

// Event names a client may not emit (reserved by Socket.IO).
bool is_reserved_event(std::string_view name) {
  return name == "connect" || name == "connect_error" || name == "disconnect" ||
         name == "disconnecting" || name == "newListener" || name == "removeListener";
}

bool payload_valid(SocketPacketType type, const json::value& data, bool present) {
  switch (type) {
    case SocketPacketType::kConnect: return !present || data.is_object();
    case SocketPacketType::kDisconnect: return !present;
    case SocketPacketType::kConnectError: return present && (data.is_object() || data.is_string());
    case SocketPacketType::kEvent:
    case SocketPacketType::kBinaryEvent:
      // Event names are strings that Socket.IO does not reserve for itself.
      return present && data.is_array() && !data.as_array().empty() &&
             data.as_array()[0].is_string() && !is_reserved_event(data.as_array()[0].as_string());
    case SocketPacketType::kAck:
    case SocketPacketType::kBinaryAck: return present && data.is_array();
  }
  return false;
}

}  // namespace

std::string encode_socket_packet(const SocketPacket& packet) {
  std::string out;
  out.push_back(static_cast<char>('0' + static_cast<int>(packet.type)));
  if (packet.type == SocketPacketType::kBinaryEvent ||
      packet.type == SocketPacketType::kBinaryAck) {
    out += std::to_string(packet.attachments.size());
    out.push_back('-');
  }
  if (packet.nsp != "/") {
    out += packet.nsp;
    out.push_back(',');
  }
  if (packet.id) out += std::to_string(*packet.id);
  if (!packet.data.is_null()) append_json(out, packet.data);
  return out;
}

Result<SocketPacket> decode_socket_packet(std::string_view text) {
  if (text.empty() || text[0] < '0' || text[0] > '6')
    return malformed("has no packet type 0-6", text);
  SocketPacket packet;
  packet.type = static_cast<SocketPacketType>(text[0] - '0');
  size_t pos = 1;
  if (packet.type == SocketPacketType::kBinaryEvent ||
      packet.type == SocketPacketType::kBinaryAck) {
    const size_t dash = text.find('-', pos);
    if (dash == std::string_view::npos) return malformed("has no attachment count", text);
    size_t count = 0;
    auto [ptr, ec] = std::from_chars(text.data() + pos, text.data() + dash, count);
    if (ec != std::errc() || ptr != text.data() + dash || count > 64) {
      return malformed("has an invalid attachment count (0..64)", text);
    }
    packet.expected_attachments = count;
    pos = dash + 1;
  }
  if (pos < text.size() && text[pos] == '/') {
    const size_t comma = text.find(',', pos);
    const size_t end = comma == std::string_view::npos ? text.size() : comma;
    packet.nsp = std::string(text.substr(pos, end - pos));
    pos = comma == std::string_view::npos ? text.size() : comma + 1;
  }
  const size_t id_start = pos;
  while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
  if (pos > id_start) {
    int64_t id = 0;
    auto [ptr, ec] = std::from_chars(text.data() + id_start, text.data() + pos, id);
    if (ec != std::errc() || pos - id_start > 15) return malformed("has an invalid ack id", text);
    packet.id = id;
  }
  const bool present = pos < text.size();
  if (present) {
    boost::system::error_code ec;
    packet.data = json::parse(text.substr(pos), ec);
    if (ec) return malformed("has a payload that is not valid JSON", text);
  }
  if (!payload_valid(packet.type, packet.data, present)) {
    return malformed("has a payload of the wrong shape for its type", text);
  }
  return packet;
}

namespace {

bool placeholders_valid(const json::value& value, size_t attachments) {
  if (value.is_array()) {
    for (const json::value& item : value.as_array()) {
      if (!placeholders_valid(item, attachments)) return false;
    }
    return true;
  }
  if (!value.is_object()) return true;
  const json::object& object = value.as_object();
  if (const json::value* flag = object.if_contains("_placeholder");
      flag && flag->is_bool() && flag->as_bool()) {
    const json::value* num = object.if_contains("num");
    if (num == nullptr) return false;
    if (num->is_uint64()) return num->as_uint64() < attachments;
    return num->is_int64() && num->as_int64() >= 0 &&
           static_cast<uint64_t>(num->as_int64()) < attachments;
  }
  for (const auto& member : object) {
    if (!placeholders_valid(member.value(), attachments)) return false;
  }
  return true;
}

}  // namespace

Status check_placeholders(const SocketPacket& packet) {
  if (packet.type != SocketPacketType::kBinaryEvent &&
      packet.type != SocketPacketType::kBinaryAck) {
    return Status::ok();
  }
  if (!placeholders_valid(packet.data, packet.attachments.size())) {
    return error(
        ErrorCode::kMalformedRequest,
        "binary packet has a placeholder whose num is not an index below its {} attachment(s)",
        packet.attachments.size());
  }
  return Status::ok();
}

}  // namespace mystocks::realtime
