#include "gateway/cors.h"

#include <algorithm>

namespace mystocks::gateway {

bool CorsPolicy::allows(std::string_view origin) const {
  return std::any_of(origins_.begin(), origins_.end(),
                     [&](const std::string& allowed) { return allowed == "*" || allowed == origin; });
}

void CorsPolicy::decorate(HttpResponse& response, std::string_view origin) const {
  response.set_header("Access-Control-Allow-Origin", std::string(origin));
  response.set_header("Access-Control-Allow-Credentials", "true");
  response.set_header("Access-Control-Expose-Headers",
                      "X-Request-ID, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, "
                      "Retry-After, ETag, Deprecation, Sunset, Link");
  response.set_header("Vary", "Origin");
}

HttpResponse CorsPolicy::preflight(std::string_view origin, const std::string& allow_methods) const {
  HttpResponse response;
  response.status = 204;
  response.content_type.clear();
  decorate(response, origin);
  response.set_header("Access-Control-Allow-Methods", allow_methods);
  response.set_header("Access-Control-Allow-Headers",
                      "Content-Type, Authorization, X-API-Key, X-Request-ID, X-CSRF-Token, If-None-Match");
  response.set_header("Access-Control-Max-Age", "600");
  return response;
}

std::vector<std::string> parse_origin_list(std::string_view text) {
  std::vector<std::string> origins;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view item = text.substr(start, end - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    while (!item.empty() && item.back() == '/') item.remove_suffix(1);  // origins have no path
    if (!item.empty()) origins.emplace_back(item);
    start = end + 1;
  }
  return origins;
}

}  // namespace mystocks::gateway
