// WebSocket framing (RFC 6455 section 5) for the server side of the Engine.IO WebSocket
// transport, without extensions (permessage-deflate is never negotiated): an incremental reader
// of client frames (masked, possibly fragmented, control frames interleaved, message size
// limit, UTF-8 check of text messages) and writers of unmasked server frame headers. Owning the
// framing lets the transport write every queued packet of a wake-up in one gathered send and
// keep no buffers while a connection is idle. Pure byte handling, no sockets.
// Thread-safety: a WebSocketReader belongs to one connection; the free functions are pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mystocks::realtime {

enum class WsOpcode : uint8_t { kContinuation = 0, kText = 1, kBinary = 2, kClose = 8, kPing = 9, kPong = 10 };

// Close codes used by the server (RFC 6455 section 7.4.1).
inline constexpr uint16_t kWsCloseNormal = 1000;
inline constexpr uint16_t kWsCloseGoingAway = 1001;
inline constexpr uint16_t kWsCloseProtocolError = 1002;
inline constexpr uint16_t kWsCloseInvalidPayload = 1007;
inline constexpr uint16_t kWsClosePolicy = 1008;
inline constexpr uint16_t kWsCloseTooBig = 1009;

inline constexpr size_t kWsMaxHeaderBytes = 10;  // server frames are never masked

// Writes the header of one unfragmented server frame carrying `payload_size` bytes into `out`
// and returns its length (2, 4 or 10).
size_t encode_ws_header(WsOpcode opcode, uint64_t payload_size, uint8_t out[kWsMaxHeaderBytes]);
// A whole server frame (header + payload); used for control frames and handshakes.
std::string encode_ws_frame(WsOpcode opcode, std::string_view payload);
// A close frame with a status code and a reason (truncated to fit the 125-byte control limit).
std::string encode_ws_close(uint16_t code, std::string_view reason);

bool is_valid_utf8(std::string_view text);

class WebSocketReader {
 public:
  explicit WebSocketReader(size_t max_message_bytes) : max_message_(max_message_bytes) {}

  enum class Kind : uint8_t { kNeedMore, kText, kBinary, kPing, kPong, kClose, kError };
  struct Item {
    Kind kind = Kind::kNeedMore;
    std::string payload;  // message, ping/pong data, close reason, or the error text
    uint16_t code = 0;    // kClose: the peer's status (1005 when absent); kError: our close code
  };

  // Appends received bytes; then call next() until it returns kNeedMore.
  void feed(std::string_view bytes);
  // The next complete message or control frame. After kError the reader must not be used.
  Item next();
  // Frees buffer memory when nothing partial is held (idle connections keep no allocation).
  void trim();

 private:
  Item fail(uint16_t code, std::string text);

  const size_t max_message_;
  std::string in_;       // unparsed bytes starting at pos_
  size_t pos_ = 0;
  std::string message_;  // a fragmented message being assembled
  bool in_message_ = false;
  bool message_binary_ = false;
};

}  // namespace mystocks::realtime
