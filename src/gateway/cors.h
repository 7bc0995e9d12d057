// CORS: a whitelist of origins ("*" allows any). Simple requests from an allowed Origin get
// Access-Control-Allow-Origin (and Vary: Origin); preflights (OPTIONS with
// Access-Control-Request-Method) get 204 with the route's methods and the allowed request
// headers, or 403 when the origin is not on the list. Immutable after construction.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "gateway/http_types.h"

namespace mystocks::gateway {

class CorsPolicy {
 public:
  CorsPolicy() = default;
  explicit CorsPolicy(std::vector<std::string> origins) : origins_(std::move(origins)) {}

  bool enabled() const { return !origins_.empty(); }
  bool allows(std::string_view origin) const;
  // Adds the response headers for an allowed origin.
  void decorate(HttpResponse& response, std::string_view origin) const;
  // The 204 answer to an allowed preflight; `allow_methods` lists the route's methods.
  HttpResponse preflight(std::string_view origin, const std::string& allow_methods) const;

 private:
  std::vector<std::string> origins_;
};

// Parses "https://a.example, http://localhost:3000" (or "*") into a list.
std::vector<std::string> parse_origin_list(std::string_view text);

}  // namespace mystocks::gateway
