#include "realtime/engineio_protocol.h"

#include <openssl/evp.h>

namespace mystocks::realtime {
namespace {

constexpr char kRecordSeparator = '\x1e';

bool valid_type(char digit) { return digit >= '0' && digit <= '6'; }

}  // namespace

WirePacket encode_packet(EnginePacketType type, std::string_view data) {
  auto bytes = std::make_shared<std::string>();
  bytes->reserve(1 + data.size());
  bytes->push_back(static_cast<char>(type));
  bytes->append(data);
  return {std::move(bytes), false};
}

WirePacket encode_binary(std::string bytes) {
  return {std::make_shared<const std::string>(std::move(bytes)), true};
}

Result<EnginePacket> decode_frame(std::string_view frame, bool binary) {
  if (binary) return EnginePacket{EnginePacketType::kMessage, std::string(frame), true};
  if (frame.empty() || !valid_type(frame[0])) {
    return error(ErrorCode::kMalformedRequest,
                 "Engine.IO packet '{}' does not start with a packet type 0-6",
                 frame.substr(0, 32));
  }
  return EnginePacket{static_cast<EnginePacketType>(frame[0]), std::string(frame.substr(1)), false};
}

Result<std::vector<EnginePacket>> decode_payload(std::string_view body) {
  std::vector<EnginePacket> packets;
  size_t start = 0;
  while (start <= body.size()) {
    size_t end = body.find(kRecordSeparator, start);
    if (end == std::string_view::npos) end = body.size();
    std::string_view piece = body.substr(start, end - start);
    if (!piece.empty() && piece[0] == 'b') {
      Result<std::string> bytes = base64_decode(piece.substr(1));
      if (!bytes.is_ok()) {
        return error(ErrorCode::kMalformedRequest, "payload packet {} has invalid base64: {}",
                     packets.size(), bytes.status().message());
      }
      packets.push_back({EnginePacketType::kMessage, std::move(*bytes), true});
    } else {
      Result<EnginePacket> packet = decode_frame(piece, false);
      if (!packet.is_ok()) {
        return error(ErrorCode::kMalformedRequest, "payload packet {}: {}", packets.size(),
                     packet.status().message());
      }
      packets.push_back(std::move(*packet));
    }
    start = end + 1;
  }
  return packets;
}

std::string encode_payload(const std::vector<WirePacket>& packets) {
  std::string body;
  size_t size = 0;
  for (const WirePacket& packet : packets) size += packet.bytes->size() * (packet.binary ? 2 : 1) + 2;
  body.reserve(size);
  for (size_t index = 0; index < packets.size(); ++index) {
    if (index > 0) body.push_back(kRecordSeparator);
    if (packets[index].binary) {
      body.push_back('b');
      body += base64_encode(*packets[index].bytes);
    } else {
      body += *packets[index].bytes;
    }
  }
  return body;
}

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(bytes.data()),
                                      static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(written));
  return out;
}

Result<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) {
    return error(ErrorCode::kMalformedRequest, "base64 length {} is not a multiple of 4", text.size());
  }
  std::string out(3 * text.size() / 4, '\0');
  const int written = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(text.data()),
                                      static_cast<int>(text.size()));
  if (written < 0) return error(ErrorCode::kMalformedRequest, "invalid base64 characters");
  // EVP_DecodeBlock counts padding as zero bytes; drop them.
  size_t length = static_cast<size_t>(written);
  if (!text.empty() && text.back() == '=') --length;
  if (text.size() > 1 && text[text.size() - 2] == '=') --length;
  out.resize(length);
  return out;
}

}  // namespace mystocks::realtime
