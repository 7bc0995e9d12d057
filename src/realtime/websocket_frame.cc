#include "realtime/websocket_frame.h"

#include <algorithm>
#include <cstring>

namespace mystocks::realtime {

size_t encode_ws_header(WsOpcode opcode, uint64_t payload_size, uint8_t out[kWsMaxHeaderBytes]) {
  out[0] = static_cast<uint8_t>(0x80 | static_cast<uint8_t>(opcode));  // FIN, no RSV bits
  if (payload_size < 126) {
    out[1] = static_cast<uint8_t>(payload_size);
    return 2;
  }
  if (payload_size <= 0xFFFF) {
    out[1] = 126;
    out[2] = static_cast<uint8_t>(payload_size >> 8);
    out[3] = static_cast<uint8_t>(payload_size);
    return 4;
  }
  out[1] = 127;
  for (int index = 0; index < 8; ++index) {
    out[2 + index] = static_cast<uint8_t>(payload_size >> (56 - 8 * index));
  }
  return 10;
}

std::string encode_ws_frame(WsOpcode opcode, std::string_view payload) {
  uint8_t header[kWsMaxHeaderBytes];
  const size_t header_size = encode_ws_header(opcode, payload.size(), header);
  std::string frame;
  frame.reserve(header_size + payload.size());
  frame.append(reinterpret_cast<const char*>(header), header_size);
  frame.append(payload);
  return frame;
}

std::string encode_ws_close(uint16_t code, std::string_view reason) {
  std::string payload;
  payload.push_back(static_cast<char>(code >> 8));
  payload.push_back(static_cast<char>(code & 0xFF));
  payload.append(reason.substr(0, 123));
  return encode_ws_frame(WsOpcode::kClose, payload);
}

bool is_valid_utf8(std::string_view text) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const size_t size = text.size();
  size_t index = 0;
  while (index < size) {
    const uint8_t lead = bytes[index];
    if (lead < 0x80) {
      ++index;
      continue;
    }
    size_t extra = 0;
    uint32_t code = 0;
    uint32_t minimum = 0;
    if ((lead & 0xE0) == 0xC0) {
      extra = 1, code = lead & 0x1F, minimum = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      extra = 2, code = lead & 0x0F, minimum = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      extra = 3, code = lead & 0x07, minimum = 0x10000;
    } else {
      return false;  // continuation byte without a lead, or 0xF8..0xFF
    }
    if (index + extra >= size) return false;  // truncated sequence
    for (size_t offset = 1; offset <= extra; ++offset) {
      const uint8_t next = bytes[index + offset];
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3F);
    }
    // Overlong forms, UTF-16 surrogates and code points beyond U+10FFFF are invalid.
    if (code < minimum || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    index += extra + 1;
  }
  return true;
}

void WebSocketReader::feed(std::string_view bytes) {
  if (pos_ > 0 && pos_ == in_.size()) {
    in_.clear();
    pos_ = 0;
  }
  in_.append(bytes);
}

void WebSocketReader::trim() {
  if (pos_ == in_.size()) {
    std::string().swap(in_);
    pos_ = 0;
  }
  if (!in_message_ && message_.capacity() > 0) std::string().swap(message_);
}

WebSocketReader::Item WebSocketReader::fail(uint16_t code, std::string text) {
  in_.clear();
  pos_ = 0;
  return Item{.kind = Kind::kError, .payload = std::move(text), .code = code};
}

WebSocketReader::Item WebSocketReader::next() {
  while (true) {
    const size_t available = in_.size() - pos_;
    if (available < 2) return {};
    const auto* head = reinterpret_cast<const uint8_t*>(in_.data() + pos_);
    const bool fin = (head[0] & 0x80) != 0;
    const uint8_t opcode = head[0] & 0x0F;
    if ((head[0] & 0x70) != 0) return fail(kWsCloseProtocolError, "reserved bits set without an extension");
    if ((head[1] & 0x80) == 0) return fail(kWsCloseProtocolError, "client frames must be masked");
    const uint8_t length7 = head[1] & 0x7F;
    const size_t length_bytes = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
    const size_t header = 2 + length_bytes + 4;
    if (available < header) return {};
    uint64_t length = length7;
    if (length_bytes > 0) {
      length = 0;
      for (size_t index = 0; index < length_bytes; ++index) length = (length << 8) | head[2 + index];
      if (length >> 63) return fail(kWsCloseProtocolError, "frame length has its high bit set");
    }
    const bool control = opcode >= 8;
    if (control) {
      if (opcode > 10) return fail(kWsCloseProtocolError, "unknown control opcode");
      if (!fin) return fail(kWsCloseProtocolError, "control frames must not be fragmented");
      if (length > 125) return fail(kWsCloseProtocolError, "control frame longer than 125 bytes");
    } else {
      if (opcode > 2) return fail(kWsCloseProtocolError, "unknown data opcode");
      if (opcode == 0 && !in_message_) return fail(kWsCloseProtocolError, "continuation frame without a message");
      if (opcode != 0 && in_message_) return fail(kWsCloseProtocolError, "new message inside a fragmented one");
      const uint64_t before = opcode == 0 ? message_.size() : 0;
      if (length > max_message_ || before + length > max_message_) {
        return fail(kWsCloseTooBig, "message larger than " + std::to_string(max_message_) + " bytes");
      }
    }
    if (available - header < length) return {};
    const uint8_t* mask = head + 2 + length_bytes;
    const char* data = in_.data() + pos_ + header;
    std::string payload(data, static_cast<size_t>(length));
    for (size_t index = 0; index < payload.size(); ++index) payload[index] ^= static_cast<char>(mask[index & 3]);
    pos_ += header + static_cast<size_t>(length);
    if (pos_ == in_.size()) {
      in_.clear();
      pos_ = 0;
    }

    switch (static_cast<WsOpcode>(opcode)) {
      case WsOpcode::kPing: return Item{.kind = Kind::kPing, .payload = std::move(payload)};
      case WsOpcode::kPong: return Item{.kind = Kind::kPong, .payload = std::move(payload)};
      case WsOpcode::kClose: {
        if (payload.empty()) return Item{.kind = Kind::kClose, .code = 1005};
        if (payload.size() == 1) return fail(kWsCloseProtocolError, "close frame with a 1-byte body");
        const uint16_t code = static_cast<uint16_t>((static_cast<uint8_t>(payload[0]) << 8) |
                                                    static_cast<uint8_t>(payload[1]));
        const bool valid = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011) ||
                           (code >= 3000 && code <= 4999);
        if (!valid) return fail(kWsCloseProtocolError, "invalid close code " + std::to_string(code));
        std::string reason = payload.substr(2);
        if (!is_valid_utf8(reason)) return fail(kWsCloseInvalidPayload, "close reason is not UTF-8");
        return Item{.kind = Kind::kClose, .payload = std::move(reason), .code = code};
      }
      default: break;
    }
    bool binary = opcode == static_cast<uint8_t>(WsOpcode::kBinary);
    if (opcode == 0) {
      message_.append(payload);
      if (!fin) continue;
      payload.swap(message_);
      std::string().swap(message_);
      binary = message_binary_;
      in_message_ = false;
    } else if (!fin) {
      in_message_ = true;
      message_binary_ = binary;
      message_ = std::move(payload);
      continue;
    }
    if (!binary && !is_valid_utf8(payload)) return fail(kWsCloseInvalidPayload, "text message is not UTF-8");
    return Item{.kind = binary ? Kind::kBinary : Kind::kText, .payload = std::move(payload)};
  }
}

}  // namespace mystocks::realtime
