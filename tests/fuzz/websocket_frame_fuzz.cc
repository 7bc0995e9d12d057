// Fuzz target: the WebSocket frame reader (realtime/websocket_frame.h). The input's bytes arrive
// in pieces whose sizes the input chooses (first byte of each piece: its length), as they would
// from a socket; after each piece the reader is drained until it needs more or fails. The
// reader must never hand out more than its message limit, never loop, and stop after an error.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "realtime/websocket_frame.h"

using namespace mystocks::realtime;

namespace {

constexpr size_t kMaxMessage = 4096;

// Returns false once the reader reported an error (the connection would be closed).
bool drain(WebSocketReader& reader) {
  // Each next() consumes at least one frame header or returns kNeedMore, so the bytes fed bound
  // the number of items; the counter turns a reader that stops consuming into a crash, not a hang.
  for (int items = 0; items < 1'000'000; ++items) {
    WebSocketReader::Item item = reader.next();
    switch (item.kind) {
      case WebSocketReader::Kind::kNeedMore:
        return true;
      case WebSocketReader::Kind::kError:
        return false;
      case WebSocketReader::Kind::kText:
        if (!is_valid_utf8(item.payload)) std::abort();
        [[fallthrough]];
      case WebSocketReader::Kind::kBinary:
        if (item.payload.size() > kMaxMessage) std::abort();
        break;
      default:
        if (item.payload.size() > 125) std::abort();  // control frames carry at most 125 bytes
        break;
    }
  }
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  WebSocketReader reader(kMaxMessage);
  std::string_view input(reinterpret_cast<const char*>(data), size);
  while (!input.empty()) {
    const size_t piece = 1 + static_cast<uint8_t>(input[0]);
    input.remove_prefix(1);
    const std::string_view bytes = input.substr(0, piece);
    input.remove_prefix(bytes.size());
    reader.feed(bytes);
    if (!drain(reader)) return 0;
    reader.trim();
  }
  return 0;
}
