// Router: the gateway's request pipeline in front of every handler. For each request it assigns
// the request id (and binds it to the thread's log lines), parses the target, resolves the route
// (404 / 405 with Allow), runs the handler with exceptions contained, renders the envelope,
// stamps X-Request-ID, and records metrics and the optional access log. The guards (access
// control, rate limits, CORS, validation) live here so every route gets them. Routes with a cache policy
// are answered from the ResponseCache when it holds a valid entry (router_cache.cc): the
// handler and validation are skipped, the per-request parts (id, time, rate limit, CORS, 304,
// gzip) are not.
// handle() is const and thread-safe once the registry is complete.
#pragma once

#include <array>
#include <atomic>
#include <memory>
#include <optional>
#include <vector>

#include "core/clock.h"
#include "core/metrics.h"
#include "gateway/access_control.h"
#include "gateway/cors.h"
#include "gateway/http_types.h"
#include "gateway/rate_limiter.h"
#include "gateway/response_cache.h"
#include "gateway/route_registry.h"

namespace mystocks::gateway {

struct RouterOptions {
  bool access_log = false;
  std::vector<std::string> cors_origins;  // empty: no CORS headers; "*": any origin
  size_t gzip_min_bytes = 1024;           // compress larger compressible bodies; 0 = never
  RateLimiter* rate_limiter = nullptr;    // null: no rate limiting
  ResponseCache* response_cache = nullptr;  // null: nothing cached (gateway.cache_enabled)
  // Authentication, RBAC, CSRF and audit (gateway/access_control.h). Null only in tests of other
  // guards: every caller is then anonymous and allowed.
  const AccessControl* access_control = nullptr;
};

class Router {
 public:
  Router(const RouteRegistry& registry, MetricsRegistry& metrics, const Clock& clock,
         RouterOptions options = {});

  // Handles a request whose method, target, headers and body are set.
  HttpResponse handle(HttpRequest& request) const;

  // The route `request` (method and target set) will be dispatched to, or nullptr: the server
  // asks first so it can run blocking routes on the handler pool under their timeout.
  const RouteSpec* route_for(const HttpRequest& request) const;

  // True when answers of `route` may come from the response cache.
  bool caches(const RouteSpec& route) const {
    return options_.response_cache != nullptr &&
           (!route.cache_tables.empty() || static_cast<bool>(route.cache_tables_for));
  }
  // What handle_cached() leaves on a miss: either another request is computing this answer
  // right now (filling: wait a moment and ask again rather than compute it too), or `fill` is
  // this request's claim on computing it - hold it until the handler has run.
  struct CacheMiss {
    bool filling = false;
    ResponseCache::FillTicket fill;
  };
  // The complete response when the cache holds a valid answer for `request` (method and target
  // set), else nullopt and nothing was counted: the server asks this on the I/O thread before
  // it sends a blocking route to the handler pool, where handle() runs as usual.
  std::optional<HttpResponse> handle_cached(HttpRequest& request, CacheMiss* miss = nullptr) const;

  // For errors found before a request could be parsed (400, 413, 431): same envelope, same
  // request-id rule, same metrics.
  HttpResponse reject(const Status& status, std::string_view request_id_header) const;

 private:
  HttpResponse dispatch(HttpRequest& request, const RouteSpec*& matched) const;
  // Rate limit, then the cached answer with the per-request parts (router_cache.cc).
  HttpResponse answer_from_cache(HttpRequest& request, const RouteSpec& route,
                                 const CachedResponse& entry, int64_t now) const;
  // Keeps a handler's successful answer; `response` is the rendered response before rate-limit
  // headers, `head`/`tail` the envelope split (or the raw body in head).
  void store_answer(std::string key, const RouteSpec& route, cache::GenerationSnapshot generations,
                    const HttpResponse& response, std::string head, std::string tail,
                    bool enveloped, int64_t now) const;
  // Authentication, authorization and CSRF for `route` (router_access.cc). Sets
  // request.principal when allowed; fills `refusal` (401/403) when not.
  enum class AccessOutcome { kAllowed, kRefused, kWouldBlock };
  AccessOutcome check_access(HttpRequest& request, const RouteSpec& route, int64_t now,
                             bool may_block, HttpResponse* refusal) const;
  void audit(const HttpRequest& request, const RouteSpec* route, int status) const;
  std::optional<HttpResponse> rate_check(const HttpRequest& request, const RouteSpec& route,
                                         int64_t now, RateDecision& rate) const;
  void observe(const HttpRequest& request, const RouteSpec* route, const HttpResponse& response,
               int64_t started_ns) const;
  bool wants_gzip(const HttpRequest& request, std::string_view content_type, size_t body_size) const;
  static void mark_gzip(HttpResponse& response);
  static void add_rate_headers(HttpResponse& response, const RateDecision& rate);
  void finish(const HttpRequest& request, const RouteSpec* route, HttpResponse& response) const;
  // Everything between a matched route and its handler: preflight, rate limit, validation.
  std::optional<HttpResponse> guard(HttpRequest& request, const RouteSpec& route,
                                    const std::vector<HttpMethod>& allowed, int64_t now,
                                    RateDecision& rate) const;
  void record(const HttpRequest& request, const RouteSpec* route, int status, double seconds) const;

  // Per-route metric children, resolved on first use so the hot path skips the family's map
  // and mutex. Index = route position in the registry; [status / 100] picks the class.
  struct RouteMetrics {
    std::array<std::atomic<Counter*>, 6> requests{};
    std::atomic<Histogram*> latency{nullptr};
  };

  const RouteRegistry& registry_;
  const Clock& clock_;
  RouterOptions options_;
  CorsPolicy cors_;
  Family<Counter>& requests_;
  Family<Histogram>& latency_;
  std::unique_ptr<RouteMetrics[]> route_metrics_;
};

}  // namespace mystocks::gateway
