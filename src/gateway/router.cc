#include "gateway/router.h"

#include <algorithm>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <spdlog/spdlog.h>

#include "core/json_text.h"
#include "core/logging.h"
#include "gateway/compression.h"
#include "gateway/envelope.h"
#include "gateway/json_schema.h"
#include "gateway/params.h"
#include "gateway/request_id.h"

namespace mystocks::gateway {
namespace {

// The envelope code of a failed parameter check: the errors' own code when they all share one
// (a bad symbol answers 1001 INVALID_SYMBOL), INVALID_ARGUMENT when they differ.
ErrorCode shared_error_code(const std::vector<FieldError>& errors) {
  for (const FieldError& error : errors) {
    if (error.code != errors.front().code) return ErrorCode::kInvalidArgument;
  }
  for (const ErrorInfo& info : all_error_codes()) {
    if (info.name == errors.front().code) return info.code;
  }
  return ErrorCode::kInvalidArgument;
}

std::string status_class(int status) { return std::to_string(status / 100) + "xx"; }

std::string allow_header(const std::vector<HttpMethod>& allowed) {
  std::string out;
  bool has_get = false;
  for (HttpMethod method : allowed) {
    if (!out.empty()) out += ", ";
    out += method_name(method);
    has_get = has_get || method == HttpMethod::kGet;
  }
  if (has_get) out += ", HEAD";
  out += ", OPTIONS";
  return out;
}

// Splits the target into a decoded path and query parameters; malformed escapes are a 400.
Status parse_target(HttpRequest& request) {
  auto url = boost::urls::parse_origin_form(request.target);
  if (!url) {
    return error(ErrorCode::kMalformedRequest,
                 "request target '{}' is not a valid origin-form URL path: {}",
                 request.target.substr(0, 200), url.error().message());
  }
  request.path = url->path();
  if (request.path.empty()) request.path = "/";
  request.query.clear();
  for (auto param : url->params()) {
    request.query.emplace(param.key, param.has_value ? param.value : std::string());
  }
  return Status::ok();
}

// The rate-limit identity: the authenticated subject (all of a user's tokens and keys share one
// budget), else the peer address. A header a client could vary freely must never pick the bucket.
std::string client_key(const HttpRequest& request) {
  if (!request.principal.anonymous()) return "sub:" + request.principal.subject;
  return "ip:" + std::string(request.client_host());
}

}  // namespace

void Router::add_rate_headers(HttpResponse& response, const RateDecision& rate) {
  if (rate.limit <= 0) return;
  response.set_header("X-RateLimit-Limit", std::to_string(rate.limit));
  response.set_header("X-RateLimit-Remaining", std::to_string(rate.remaining));
  response.set_header("X-RateLimit-Reset", std::to_string(rate.reset_seconds));
}

Router::Router(const RouteRegistry& registry, MetricsRegistry& metrics, const Clock& clock,
               RouterOptions options)
    : registry_(registry),
      clock_(clock),
      options_(std::move(options)),
      cors_(options_.cors_origins),
      requests_(metrics.counter("mystocks_http_requests_total",
                                "HTTP requests answered, by method, route template and status class.",
                                {"method", "route", "code"})),
      latency_(metrics.histogram("mystocks_http_request_duration_seconds",
                                 "Time from parsed request to rendered response, by route template.",
                                 {"route"})),
      route_metrics_(new RouteMetrics[registry.routes().size()]) {}

void Router::record(const HttpRequest& request, const RouteSpec* route, int status,
                    double seconds) const {
  const size_t status_index = static_cast<size_t>(std::clamp(status / 100, 1, 5));
  if (route == nullptr) {
    requests_.with({std::string(method_name(request.method)), "unmatched", status_class(status)})
        .inc();
    latency_.with({"unmatched"}).observe(seconds);
    return;
  }
  RouteMetrics& slot = route_metrics_[static_cast<size_t>(route - registry_.routes().data())];
  Counter* counter = slot.requests[status_index].load(std::memory_order_acquire);
  if (counter == nullptr) {
    counter = &requests_.with({std::string(method_name(route->method)), route->path,
                               status_class(status)});
    slot.requests[status_index].store(counter, std::memory_order_release);
  }
  counter->inc();
  Histogram* histogram = slot.latency.load(std::memory_order_acquire);
  if (histogram == nullptr) {
    histogram = &latency_.with({route->path});
    slot.latency.store(histogram, std::memory_order_release);
  }
  histogram->observe(seconds);
}

const RouteSpec* Router::route_for(const HttpRequest& request) const {
  const std::string_view target = request.target;
  const RouteRegistry::Match match =
      registry_.match(request.method, target.substr(0, target.find('?')));
  return match.kind == RouteRegistry::MatchKind::kFound ? match.route : nullptr;
}

HttpResponse Router::handle(HttpRequest& request) const {
  const int64_t started = clock_.steady_ns();
  request.request_id = choose_request_id(request.header("x-request-id"));
  logging::RequestIdScope scope(request.request_id);
  const RouteSpec* route = nullptr;
  HttpResponse response = dispatch(request, route);
  audit(request, route, response.status);
  finish(request, route, response);
  observe(request, route, response, started);
  return response;
}

std::optional<HttpResponse> Router::handle_cached(HttpRequest& request, CacheMiss* miss) const {
  ResponseCache* cache = options_.response_cache;
  if (cache == nullptr ||
      (request.method != HttpMethod::kGet && request.method != HttpMethod::kHead)) {
    return std::nullopt;
  }
  const int64_t started = clock_.steady_ns();
  if (!parse_target(request).is_ok()) return std::nullopt;
  RouteRegistry::Match match = registry_.match(request.method, request.path);
  if (match.kind != RouteRegistry::MatchKind::kFound || !caches(*match.route)) return std::nullopt;
  const bool by_accept = !match.route->alternate_content_types.empty();
  const std::string key = ResponseCache::key_for(request, by_accept);
  std::shared_ptr<const CachedResponse> entry = cache->find(key, /*count_miss=*/false);
  if (entry == nullptr) {
    if (miss != nullptr) {
      miss->fill = cache->claim_fill(key);
      miss->filling = !miss->fill.leader();
    }
    return std::nullopt;
  }
  request.request_id = choose_request_id(request.header("x-request-id"));
  logging::RequestIdScope scope(request.request_id);
  request.path_params = std::move(match.params);
  const int64_t now = clock_.now_ms();
  HttpResponse response;
  switch (check_access(request, *match.route, now, /*may_block=*/false, &response)) {
    case AccessOutcome::kWouldBlock:
      return std::nullopt;  // e.g. an API key not yet in memory: the handler pool looks it up
    case AccessOutcome::kRefused:
      audit(request, match.route, response.status);
      break;
    case AccessOutcome::kAllowed:
      response = answer_from_cache(request, *match.route, *entry, now);
      break;
  }
  finish(request, match.route, response);
  observe(request, match.route, response, started);
  return response;
}

void Router::observe(const HttpRequest& request, const RouteSpec* route,
                     const HttpResponse& response, int64_t started_ns) const {
  const double seconds = static_cast<double>(clock_.steady_ns() - started_ns) / 1e9;
  record(request, route, response.status, seconds);
  if (options_.access_log) {
    spdlog::info("{} {} {} {:.3f}ms {}", method_name(request.method), request.target,
                 response.status, seconds * 1e3, request.remote_address);
  }
}

HttpResponse Router::dispatch(HttpRequest& request, const RouteSpec*& matched) const {
  const int64_t now = clock_.now_ms();
  if (Status parsed = parse_target(request); !parsed.is_ok()) {
    return render_error(parsed, request.request_id, now);
  }
  RouteRegistry::Match match = registry_.match(request.method, request.path);
  if (match.kind == RouteRegistry::MatchKind::kNoPath) {
    return render_error(error(ErrorCode::kRouteNotFound, "no route for path '{}'", request.path),
                        request.request_id, now);
  }
  const std::string allow = allow_header(match.allowed);
  if (request.method == HttpMethod::kOptions) {
    const std::string_view origin = request.header("origin");
    if (!request.header("access-control-request-method").empty() && !origin.empty() && cors_.enabled()) {
      if (!cors_.allows(origin)) {
        return render_error(field_error(ErrorCode::kPermissionDenied, "Origin",
                                        "origin '{}' is not allowed (gateway.cors_origins)", origin),
                            request.request_id, now);
      }
      return cors_.preflight(origin, allow);
    }
    HttpResponse response;
    response.status = 204;
    response.content_type.clear();
    response.set_header("Allow", allow);
    return response;
  }
  if (match.kind == RouteRegistry::MatchKind::kWrongMethod) {
    HttpResponse response = render_error(
        error(ErrorCode::kMethodNotAllowed, "method {} is not allowed on '{}': allowed are {}",
              method_name(request.method), request.path, allow),
        request.request_id, now);
    response.set_header("Allow", allow);
    return response;
  }
  const RouteSpec& route = *match.route;
  matched = &route;
  request.path_params = std::move(match.params);
  if (HttpResponse refusal; check_access(request, route, now, /*may_block=*/true, &refusal) !=
                            AccessOutcome::kAllowed) {
    return refusal;
  }
  ResponseCache* cache = caches(route) && (request.method == HttpMethod::kGet ||
                                           request.method == HttpMethod::kHead)
                             ? options_.response_cache
                             : nullptr;
  std::string cache_key;
  ResponseCache::FillTicket fill;  // released when this answer is stored (or not), at return
  if (cache != nullptr) {
    cache_key = ResponseCache::key_for(request, !route.alternate_content_types.empty());
    if (std::shared_ptr<const CachedResponse> entry = cache->find(cache_key)) {
      return answer_from_cache(request, route, *entry, now);
    }
    fill = cache->claim_fill(cache_key);
  }
  RateDecision rate;
  if (std::optional<HttpResponse> refused = guard(request, route, match.allowed, now, rate)) {
    add_rate_headers(*refused, rate);
    return std::move(*refused);
  }
  // Read before the handler reads the tables: a write after this point makes the entry stale.
  cache::GenerationSnapshot generations;
  if (cache != nullptr) {
    generations = cache->snapshot(route.cache_tables_for ? route.cache_tables_for(request)
                                                         : route.cache_tables);
  }
  ApiReply reply;
  try {
    reply = route.handler(request);
  } catch (const std::exception& e) {
    // Exceptions stop here: the client gets the envelope, the log gets the details.
    spdlog::error("handler {} {} threw: {}", method_name(route.method), route.path, e.what());
    reply = ApiReply::fail(error(ErrorCode::kInternal, "internal error while handling {} {}",
                                 method_name(route.method), route.path));
  }
  // The ETag covers the payload only: the envelope's request id and time change every time.
  std::string etag;
  std::string data_text;  // serialised once: hashed here, then written into the envelope
  if (route.etag && reply.status.is_ok()) {
    if (reply.raw) {
      etag = strong_etag(reply.raw->body);
    } else if (!reply.data_text.empty()) {
      etag = strong_etag(reply.data_text);
    } else {
      data_text = to_json_text(reply.data);
      etag = strong_etag(data_text);
    }
  }
  const bool keep = cache != nullptr && reply.status.is_ok() &&
                    (!reply.raw || reply.raw->status == 200);
  EnvelopeParts parts;
  HttpResponse response;
  if (reply.raw) {
    response = std::move(*reply.raw);
    if (keep) parts.head = response.body;
  } else if (keep) {
    parts = render_envelope_parts(reply, data_text);
    response.status = 200;
    assemble_envelope(parts.head, parts.tail, request.request_id, now, response.body);
    response.headers = reply.headers;
  } else {
    response = render_envelope(reply, request.request_id, now, data_text);
  }
  if (!etag.empty()) response.set_header("ETag", etag);
  if (reply.status.code() == ErrorCode::kUnavailable && !reply.raw) {
    response.set_header("Retry-After", "5");  // an open circuit or a store down: come back soon
  }
  if (!route.alternate_content_types.empty()) response.set_header("Vary", "Accept");
  if (route.deprecated) {
    response.set_header("Deprecation", "true");
    if (!route.successor.empty()) {
      response.set_header("Link", "<" + route.successor + ">; rel=\"successor-version\"");
    }
    if (!route.sunset.empty()) response.set_header("Sunset", route.sunset);
  }
  if (keep) {
    store_answer(cache_key, route, std::move(generations), response,
                 std::move(parts.head), std::move(parts.tail), !reply.raw, now);
  }
  add_rate_headers(response, rate);
  return response;
}

std::optional<HttpResponse> Router::guard(HttpRequest& request, const RouteSpec& route,
                                          const std::vector<HttpMethod>&, int64_t now,
                                          RateDecision& rate) const {
  if (std::optional<HttpResponse> refused = rate_check(request, route, now, rate)) return refused;
  std::vector<FieldError> errors;
  bind_params(route, request, errors);
  if (!route.request_schema.is_null()) {
    boost::system::error_code ec;
    request.body_json = boost::json::parse(request.body, ec);
    if (ec) {
      errors.push_back({"body", "MALFORMED_REQUEST", "the body is not valid JSON: " + ec.message()});
    } else {
      validate_json(route.request_schema, request.body_json, "", errors);
    }
  }
  if (errors.empty()) return std::nullopt;
  const std::string summary = errors.size() == 1
                                  ? errors.front().message
                                  : fmt::format("{} request fields are invalid; see errors", errors.size());
  const ErrorCode code = shared_error_code(errors);
  return render_envelope(ApiReply::fail(Status(code, summary), std::move(errors)),
                         request.request_id, now);
}

std::optional<HttpResponse> Router::rate_check(const HttpRequest& request, const RouteSpec& route,
                                               int64_t now, RateDecision& rate) const {
  if (options_.rate_limiter == nullptr || route.rate_class.empty()) return std::nullopt;
  const double scale = options_.access_control != nullptr
                           ? options_.access_control->rate_scale(request.principal)
                           : 1.0;
  rate = options_.rate_limiter->allow(client_key(request), route.rate_class, route.rate_cost, scale);
  if (rate.allowed) return std::nullopt;
  HttpResponse response = render_error(
      error(ErrorCode::kRateLimited, "rate limit of class '{}' exceeded: retry in {} s",
            route.rate_class, rate.retry_after_seconds),
      request.request_id, now);
  response.set_header("Retry-After", std::to_string(rate.retry_after_seconds));
  return response;
}

void Router::finish(const HttpRequest& request, const RouteSpec* route, HttpResponse& response) const {
  response.set_header("X-Request-ID", request.request_id);
  if (const std::string_view origin = request.header("origin"); !origin.empty() && cors_.allows(origin)) {
    cors_.decorate(response, origin);
  }
  if (response.status != 200) return;
  if (route != nullptr && route->etag) {
    const auto etag = std::find_if(response.headers.begin(), response.headers.end(),
                                   [](const auto& entry) { return entry.first == "ETag"; });
    if (etag != response.headers.end() && etag_matches(request.header("if-none-match"), etag->second)) {
      response.status = 304;
      response.body.clear();
      return;
    }
  }
  const bool encoded = std::any_of(response.headers.begin(), response.headers.end(),
                                  [](const auto& entry) { return entry.first == "Content-Encoding"; });
  if (!encoded && wants_gzip(request, response.content_type, response.body.size())) {
    if (std::optional<std::string> compressed = gzip_compress(response.body)) {
      response.body = std::move(*compressed);
      mark_gzip(response);
    }
  }
}

bool Router::wants_gzip(const HttpRequest& request, std::string_view content_type,
                        size_t body_size) const {
  return options_.gzip_min_bytes > 0 && body_size >= options_.gzip_min_bytes &&
         is_compressible(content_type) && accepts_gzip(request.header("accept-encoding"));
}

void Router::mark_gzip(HttpResponse& response) {
  response.set_header("Content-Encoding", "gzip");
  const auto vary = std::find_if(response.headers.begin(), response.headers.end(),
                                 [](const auto& entry) { return entry.first == "Vary"; });
  if (vary == response.headers.end()) {
    response.headers.emplace_back("Vary", "Accept-Encoding");
  } else {
    vary->second += ", Accept-Encoding";
  }
}

HttpResponse Router::reject(const Status& status, std::string_view request_id_header) const {
  const std::string request_id = choose_request_id(request_id_header);
  logging::RequestIdScope scope(request_id);
  spdlog::warn("rejected request: {}", status.to_string());
  HttpResponse response = render_error(status, request_id, clock_.now_ms());
  response.close_connection = true;
  response.set_header("X-Request-ID", request_id);
  requests_.with({"OTHER", "unparsed", status_class(response.status)}).inc();
  return response;
}

}  // namespace mystocks::gateway
