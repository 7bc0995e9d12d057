// Fuzz target: Socket.IO v5 packets (realtime/socketio_protocol.h). The input is the text part of
// a packet, then, after each "\n--\n", one binary attachment. A packet that decodes gets its
// announced attachments (as many as the input carries), its placeholders checked, and must
// re-encode to text that decodes to the same type, namespace, ack id and payload.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include <boost/json/value_to.hpp>

#include "realtime/socketio_protocol.h"

using namespace mystocks::realtime;

namespace {

constexpr std::string_view kSeparator = "\n--\n";

std::vector<std::string_view> split_parts(std::string_view input) {
  std::vector<std::string_view> parts;
  while (true) {
    const size_t at = input.find(kSeparator);
    parts.push_back(input.substr(0, at));
    if (at == std::string_view::npos) return parts;
    input.remove_prefix(at + kSeparator.size());
  }
}

// Equal JSON, with doubles equal to 12 significant digits: Boost.JSON 1.81 parses long number
// literals only to within an ulp or so, and prints the shortest text for that double, so a
// 100-digit literal and its re-encoding may decode to neighbouring doubles. That is a property
// of the JSON library; the framing (type, namespace, id, structure) must round-trip exactly.
// A literal beyond double's range (1e99999) parses as infinity, which Boost.JSON writes as null:
// lossy, but what any JSON peer would do, so it counts as the same here.
bool same_json(const boost::json::value& a, const boost::json::value& b) {
  if (a.is_double() && !std::isfinite(a.as_double())) return b.is_null();
  if (b.is_double() && !std::isfinite(b.as_double())) return a.is_null();
  if (a.is_double() || b.is_double()) {
    if (!a.is_number() || !b.is_number()) return false;
    const double x = boost::json::value_to<double>(a);
    const double y = boost::json::value_to<double>(b);
    return x == y || std::fabs(x - y) <= 1e-12 * std::max(std::fabs(x), std::fabs(y));
  }
  if (a.is_array() && b.is_array()) {
    const auto& left = a.as_array();
    const auto& right = b.as_array();
    if (left.size() != right.size()) return false;
    for (size_t index = 0; index < left.size(); ++index) {
      if (!same_json(left[index], right[index])) return false;
    }
    return true;
  }
  if (a.is_object() && b.is_object()) {
    const auto& left = a.as_object();
    const auto& right = b.as_object();
    if (left.size() != right.size()) return false;
    for (const auto& [key, value] : left) {
      const boost::json::value* other = right.if_contains(key);
      if (other == nullptr || !same_json(value, *other)) return false;
    }
    return true;
  }
  return a == b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::vector<std::string_view> parts = split_parts(input);
  auto packet = decode_socket_packet(parts[0]);
  if (!packet.is_ok()) return 0;

  for (size_t index = 1; index < parts.size() && index <= packet->expected_attachments; ++index) {
    packet->attachments.emplace_back(parts[index]);
  }
  if (packet->attachments.size() == packet->expected_attachments) {
    (void)check_placeholders(*packet);
  }

  const std::string encoded = encode_socket_packet(*packet);
  auto again = decode_socket_packet(encoded);
  if (!again.is_ok() || again->type != packet->type || again->nsp != packet->nsp ||
      again->id != packet->id || !same_json(again->data, packet->data)) {
    std::fprintf(stderr,
                 "socketio_fuzz: %.*s\n  re-encoded as %s\n  does not decode the same: %s\n",
                 static_cast<int>(parts[0].size()), parts[0].data(), encoded.c_str(),
                 again.is_ok() ? "fields differ" : again.status().message().c_str());
    std::abort();
  }
  return 0;
}
