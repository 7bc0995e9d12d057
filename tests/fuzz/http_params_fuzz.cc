// Fuzz target: HTTP path and query parameters through the route registry's matching and
// validation (gateway/params.h bind_params, via Router::handle as the server calls it). The
// input is the request target ("/api/v1/market/kline/600519.SH?interval=1d&start=20240102").
// Every answer must be a rendered response: 2xx for valid parameters, 4xx otherwise, never 5xx.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz_routes.h"
#include "gateway/params.h"

using namespace mystocks;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const fuzz::FuzzGateway gateway;
  const std::string target(reinterpret_cast<const char*>(data), size);

  gateway::HttpRequest request;
  request.method = gateway::HttpMethod::kGet;
  request.target = target;
  const gateway::HttpResponse response = gateway.router().handle(request);
  if (response.status >= 500) std::abort();

  // bind_params directly on every GET route, with the raw target split the simple way, so
  // routes the path does not match still see the query.
  const size_t query_start = target.find('?');
  for (const gateway::RouteSpec& route : gateway.registry().routes()) {
    if (route.method != gateway::HttpMethod::kGet) continue;
    gateway::HttpRequest direct;
    direct.target = target;
    direct.path_params["symbol"] = direct.path_params["id"] = target.substr(0, query_start);
    if (query_start != std::string::npos) {
      std::string_view query = std::string_view(target).substr(query_start + 1);
      while (!query.empty()) {
        const std::string_view pair = query.substr(0, query.find('&'));
        query.remove_prefix(std::min(query.size(), pair.size() + 1));
        const size_t equals = pair.find('=');
        direct.query.emplace(
            std::string(pair.substr(0, equals)),
            equals == std::string_view::npos ? "" : std::string(pair.substr(equals + 1)));
      }
    }
    std::vector<gateway::FieldError> errors;
    (void)gateway::bind_params(route, direct, errors);
  }
  return 0;
}
