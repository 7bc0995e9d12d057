// Endpoint: a host:port pair as written in configuration and on the command line.
// Value type; parsing is pure and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace mystocks {

struct Endpoint {
  std::string host;  // IPv4/IPv6 literal or name; "[::1]" brackets removed
  uint16_t port = 0;
};

// Accepts "127.0.0.1:8080", "0.0.0.0:0" (any free port), "[::1]:8080", "localhost:8080".
Result<Endpoint> parse_endpoint(std::string_view text);

}  // namespace mystocks
