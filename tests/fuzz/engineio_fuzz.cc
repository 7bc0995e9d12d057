// Fuzz target: Engine.IO v4 decoding (realtime/engineio_protocol.h) — one WebSocket frame read as
// text and as binary, a long-polling payload (text packets and "b"+base64 binary ones joined by
// 0x1e) and base64. A payload that decodes must survive an encode/decode round trip unchanged,
// so the encoder and the decoder agree on every packet the server accepts.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "realtime/engineio_protocol.h"

using namespace mystocks::realtime;

namespace {

WirePacket to_wire(const EnginePacket& packet) {
  return packet.binary ? encode_binary(packet.data) : encode_packet(packet.type, packet.data);
}

bool same(const EnginePacket& a, const EnginePacket& b) {
  return a.type == b.type && a.binary == b.binary && a.data == b.data;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  (void)decode_frame(input, /*binary=*/false);
  (void)decode_frame(input, /*binary=*/true);

  auto packets = decode_payload(input);
  if (packets.is_ok()) {
    std::vector<WirePacket> wire;
    for (const EnginePacket& packet : *packets) wire.push_back(to_wire(packet));
    auto again = decode_payload(encode_payload(wire));
    if (!again.is_ok() || again->size() != packets->size()) std::abort();
    for (size_t index = 0; index < packets->size(); ++index) {
      if (!same((*packets)[index], (*again)[index])) std::abort();
    }
  }

  auto decoded = base64_decode(input);
  if (decoded.is_ok()) {
    auto again = base64_decode(base64_encode(*decoded));
    if (!again.is_ok() || *again != *decoded) std::abort();
  }
  return 0;
}
