#include "core/endpoint.h"

#include <charconv>

namespace mystocks {

Result<Endpoint> parse_endpoint(std::string_view text) {
  auto reject = [&](std::string_view why) {
    return error(ErrorCode::kInvalidArgument,
                 "'{}' {}: expected host:port such as 127.0.0.1:8080 or [::1]:8080", text, why);
  };
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return reject("has no host:port form");
  std::string_view host = text.substr(0, colon);
  std::string_view port_text = text.substr(colon + 1);
  if (host.front() == '[') {
    if (host.back() != ']' || host.size() < 3) return reject("has an unbalanced IPv6 bracket");
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return reject("has an IPv6 address without brackets");
  }
  unsigned port = 0;
  auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || ptr != port_text.data() + port_text.size() ||
      port > 65535) {
    return reject("has a port outside 0..65535");
  }
  return Endpoint{std::string(host), static_cast<uint16_t>(port)};
}

}  // namespace mystocks
