#include "gateway/router.h"

#include <algorithm>

#include <boost/url/parse.hpp>
#include <spdlog/spdlog.h>

#include "core/logging.h"
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

}  // namespace

Router::Router(const RouteRegistry& registry, MetricsRegistry& metrics, const Clock& clock,
               RouterOptions options)
    : registry_(registry),
      clock_(clock),
      options_(options),
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

HttpResponse Router::handle(HttpRequest& request) const {
  const int64_t started = clock_.steady_ns();
  request.request_id = choose_request_id(request.header("x-request-id"));
  logging::RequestIdScope scope(request.request_id);
  const RouteSpec* route = nullptr;
  HttpResponse response = dispatch(request, route);
  finish(response, request.request_id);
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
  if (match.kind == RouteRegistry::MatchKind::kWrongMethod) {
    const std::string allow = allow_header(match.allowed);
    if (request.method == HttpMethod::kOptions) {
      HttpResponse response;
      response.status = 204;
      response.content_type.clear();
      response.set_header("Allow", allow);
      return response;
    }
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
  ApiReply reply;
  try {
    reply = route.handler(request);
  } catch (const std::exception& e) {
    // Exceptions stop here: the client gets the envelope, the log gets the details.
    spdlog::error("handler {} {} threw: {}", method_name(route.method), route.path, e.what());
    reply = ApiReply::fail(error(ErrorCode::kInternal, "internal error while handling {} {}",
                                 method_name(route.method), route.path));
  }
  if (reply.raw) return std::move(*reply.raw);
  return render_envelope(reply, request.request_id, now);
}

void Router::finish(HttpResponse& response, const std::string& request_id) const {
  response.set_header("X-Request-ID", request_id);
}

HttpResponse Router::reject(const Status& status, std::string_view request_id_header) const {
  const std::string request_id = choose_request_id(request_id_header);
  logging::RequestIdScope scope(request_id);
  spdlog::warn("rejected request: {}", status.to_string());
  HttpResponse response = render_error(status, request_id, clock_.now_ms());
  response.close_connection = true;
  finish(response, request_id);
  requests_.with({"OTHER", "unparsed", status_class(response.status)}).inc();
  return response;
}

}  // namespace mystocks::gateway
