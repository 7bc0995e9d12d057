// The router's response-cache half: answering a request from a cached entry and keeping a
// handler's successful answer. See gateway/response_cache.h for the policy.
#include "gateway/compression.h"
#include "gateway/envelope.h"
#include "gateway/router.h"

namespace mystocks::gateway {

HttpResponse Router::answer_from_cache(HttpRequest& request, const RouteSpec& route,
                                       const CachedResponse& entry, int64_t now) const {
  // A hit costs a token like any request: the cache saves the server work, not the client quota.
  RateDecision rate;
  if (std::optional<HttpResponse> refused = rate_check(request, route, now, rate)) {
    add_rate_headers(*refused, rate);
    return std::move(*refused);
  }
  HttpResponse response;
  response.status = 200;
  response.content_type = entry.content_type;
  response.headers = entry.headers;
  add_rate_headers(response, rate);
  if (route.etag) {
    const std::string_view etag = entry.header("ETag");
    if (!etag.empty() && etag_matches(request.header("if-none-match"), etag)) {
      response.status = 304;  // finish() leaves a non-200 alone; no body is built
      return response;
    }
  }
  const size_t size = entry.head.size() + entry.tail.size() + request.request_id.size() + 48;
  if (wants_gzip(request, entry.content_type, size)) {
    if (const GzipPrefix* compressed_head = entry.gzip_head()) {
      std::string rest;
      if (entry.enveloped) assemble_envelope({}, entry.tail, request.request_id, now, rest);
      gzip_complete(*compressed_head, rest, response.body);
      mark_gzip(response);
      return response;
    }
  }
  if (entry.enveloped) {
    assemble_envelope(entry.head, entry.tail, request.request_id, now, response.body);
  } else {
    response.body = entry.head;
  }
  return response;
}

void Router::store_answer(std::string key, const RouteSpec& route,
                          cache::GenerationSnapshot generations, const HttpResponse& response,
                          std::string head, std::string tail, bool enveloped, int64_t now) const {
  auto entry = std::make_shared<CachedResponse>();
  entry->content_type = response.content_type;
  entry->headers = response.headers;
  entry->head = std::move(head);
  entry->tail = std::move(tail);
  entry->enveloped = enveloped;
  entry->expires_ms = route.cache_ttl_ms > 0 ? now + route.cache_ttl_ms : 0;
  entry->generations = std::move(generations);
  options_.response_cache->store(std::move(key), std::move(entry));
}

}  // namespace mystocks::gateway
