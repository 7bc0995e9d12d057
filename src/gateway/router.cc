#include "gateway/router.h"

#include <algorithm>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <spdlog/spdlog.h>

#include "core/json_text.h"
#include "core/logging.h"
#include "gateway/compression.h"
#include "gateway/json_schema.h"
#include "gateway/params.h"
#include "gateway/request_id.h"

namespace mystocks::gateway {
namespace {

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

// The rate-limit identity: the API key when one is sent, else the peer address.
std::string client_key(const HttpRequest& request) {
  if (std::string_view key = request.header("x-api-key"); !key.empty()) return "key:" + std::string(key);
  const std::string& remote = request.remote_address;
  return "ip:" + remote.substr(0, remote.rfind(':'));
}

void add_rate_headers(HttpResponse& response, const RateDecision& rate) {
  if (rate.limit <= 0) return;
  response.set_header("X-RateLimit-Limit", std::to_string(rate.limit));
  response.set_header("X-RateLimit-Remaining", std::to_string(rate.remaining));
  response.set_header("X-RateLimit-Reset", std::to_string(rate.reset_seconds));
}

}  // namespace

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
  finish(request, route, response);
  const double seconds = static_cast<double>(clock_.steady_ns() - started) / 1e9;
  record(request, route, response.status, seconds);
  if (options_.access_log) {
    spdlog::info("{} {} {} {:.3f}ms {}", method_name(request.method), request.target,
                 response.status, seconds * 1e3, request.remote_address);
  }
  return response;
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
  RateDecision rate;
  if (std::optional<HttpResponse> refused = guard(request, route, match.allowed, now, rate)) {
    add_rate_headers(*refused, rate);
    return std::move(*refused);
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
  HttpResponse response = reply.raw ? std::move(*reply.raw)
                                    : render_envelope(reply, request.request_id, now, data_text);
  if (!etag.empty()) response.set_header("ETag", etag);
  add_rate_headers(response, rate);
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
  return response;
}

std::optional<HttpResponse> Router::guard(HttpRequest& request, const RouteSpec& route,
                                          const std::vector<HttpMethod>&, int64_t now,
                                          RateDecision& rate) const {
  if (options_.rate_limiter != nullptr && !route.rate_class.empty()) {
    rate = options_.rate_limiter->allow(client_key(request), route.rate_class, route.rate_cost);
    if (!rate.allowed) {
      HttpResponse response = render_error(
          error(ErrorCode::kRateLimited, "rate limit of class '{}' exceeded: retry in {} s",
                route.rate_class, rate.retry_after_seconds),
          request.request_id, now);
      response.set_header("Retry-After", std::to_string(rate.retry_after_seconds));
      return response;
    }
  }
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
  return render_envelope(ApiReply::fail(Status(ErrorCode::kInvalidArgument, summary), std::move(errors)),
                         request.request_id, now);
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
  if (options_.gzip_min_bytes > 0 && response.body.size() >= options_.gzip_min_bytes &&
      is_compressible(response.content_type) && accepts_gzip(request.header("accept-encoding"))) {
    if (std::optional<std::string> compressed = gzip_compress(response.body)) {
      response.body = std::move(*compressed);
      response.set_header("Content-Encoding", "gzip");
      const auto vary = std::find_if(response.headers.begin(), response.headers.end(),
                                     [](const auto& entry) { return entry.first == "Vary"; });
      if (vary == response.headers.end()) {
        response.headers.emplace_back("Vary", "Accept-Encoding");
      } else {
        vary->second += ", Accept-Encoding";
      }
    }
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
