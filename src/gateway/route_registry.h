// The versioned route registry: every HTTP route is declared here once, with its method, path
// template ("/api/v1/market/symbols/{symbol}"), version, handler, description and schemas. The
// router dispatches from it, and the OpenAPI document, the access checks (resource and action),
// rate-limit costs and cache policies are derived from it, so documentation and guards cannot
// drift from behaviour.
// Routes are added at start-up on one thread; afterwards match() is const and thread-safe.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/json/value.hpp>

#include "core/status.h"
#include "gateway/envelope.h"
#include "gateway/http_types.h"

namespace mystocks::gateway {

enum class ParamLocation { kPath, kQuery, kHeader };

struct ParamSpec {
  std::string name;
  ParamLocation in = ParamLocation::kQuery;
  boost::json::value schema;  // JSON Schema of the value, e.g. {"type":"string"}
  bool required = false;
  std::string description;
};

using Handler = std::function<ApiReply(const HttpRequest&)>;

struct RouteSpec {
  HttpMethod method = HttpMethod::kGet;
  std::string path;     // template; "{name}" matches one segment
  std::string version;  // "v1", "v2", or empty for unversioned routes (/health, /metrics)
  std::string summary;
  std::string description;
  std::vector<std::string> tags;
  // Access control (config/rbac_policy.csv): the caller's roles must be allowed `action` on
  // `resource` (e.g. "orders", "write"). Both are required: add() refuses a route without them,
  // so no route can skip the check. Routes answering anonymous callers are granted to the
  // "anonymous" role by the policy, never by the code.
  std::string resource;
  std::string action;
  std::vector<ParamSpec> params;
  boost::json::value request_schema;   // JSON body schema; null when the route takes no body
  boost::json::value response_schema;  // schema of the envelope's `data`; null = any
  int success_status = 200;  // documented status of a success (202 for ApiReply::accepted)
  std::string raw_content_type;        // non-empty: not enveloped, answered with this type
  // Other representations the handler also serves when Accept prefers them (e.g. "text/csv",
  // see gateway/content_negotiation.h). Listed in OpenAPI; responses carry "Vary: Accept".
  std::vector<std::string> alternate_content_types;
  boost::json::value response_example;  // optional example of `data` (or of the raw body)
  bool deprecated = false;
  std::string successor;  // path of the route that supersedes a deprecated one (Link header)
  std::string sunset;     // HTTP date after which a deprecated route goes away (Sunset header)
  bool hidden = false;  // left out of the OpenAPI document (static assets)
  // Token-bucket class for rate limiting (gateway.rate_limit_* settings); empty = not limited
  // (health checks and metrics scrapes must never be refused).
  std::string rate_class = "default";
  double rate_cost = 1;  // tokens one request takes
  bool etag = false;     // answer If-None-Match with 304 when the body is unchanged
  // The handler may wait on a store or another server, so it runs on the handler pool, never on
  // an I/O thread, and the client gets 504 once timeout_ms (0 = gateway.handler_timeout_ms)
  // passes. Routes that only read memory (health, metrics, documents) set false: no thread hop.
  bool blocking = true;
  int64_t timeout_ms = 0;
  // Cache policy (gateway/response_cache.h): the tables the answer is derived from. Non-empty:
  // successful GET answers are cached until a DataChanged for one of them, or until
  // cache_ttl_ms passes (0 = only changes expire them; set it when the answer also depends on
  // the clock). Empty: never cached. cache_tables_for, when set, replaces the list per request
  // from its raw query and path (e.g. the K-line interval picks minute_kline or daily_kline);
  // it runs before validation, so it must accept any input and must not throw.
  std::vector<std::string> cache_tables;
  int64_t cache_ttl_ms = 0;
  std::function<std::vector<std::string>(const HttpRequest&)> cache_tables_for;
  Handler handler;
};

class RouteRegistry {
 public:
  // Rejects duplicates (same method and template) and malformed templates.
  Status add(RouteSpec route);

  enum class MatchKind { kFound, kNoPath, kWrongMethod };
  struct Match {
    MatchKind kind = MatchKind::kNoPath;
    const RouteSpec* route = nullptr;
    std::map<std::string, std::string> params;
    std::vector<HttpMethod> allowed;  // for kWrongMethod: methods the path does accept
  };

  // HEAD matches GET routes.
  Match match(HttpMethod method, std::string_view path) const;

  const std::vector<RouteSpec>& routes() const { return routes_; }

 private:
  struct Compiled {
    std::vector<std::string> segments;  // "{x}" marks a parameter
    size_t route_index;
  };
  static bool segments_match(const std::vector<std::string>& pattern,
                             const std::vector<std::string_view>& path,
                             std::map<std::string, std::string>* params);

  std::vector<RouteSpec> routes_;
  // Routes without parameters, by path: the common case answers with one hash lookup.
  std::unordered_map<std::string, std::vector<size_t>> static_routes_;
  std::vector<Compiled> templated_;
};

}  // namespace mystocks::gateway
