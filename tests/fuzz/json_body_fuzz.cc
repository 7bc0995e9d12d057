// Fuzz target: JSON request bodies through the router's body parsing and schema validation
// (gateway/json_schema.h), as POST routes receive them. The first byte picks the route; the
// rest is the body. A body must be answered 2xx or 4xx, never 5xx; a body that parses is also
// validated directly against both schemas, so each schema sees the other's shapes.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz_routes.h"
#include "gateway/json_schema.h"

using namespace mystocks;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const fuzz::FuzzGateway gateway;
  static const boost::json::value schemas[] = {fuzz::order_schema(), fuzz::batch_schema()};
  if (size == 0) return 0;

  gateway::HttpRequest request;
  request.method = gateway::HttpMethod::kPost;
  request.target = (data[0] & 1) != 0 ? "/api/v1/indicators/batch" : "/api/v1/orders";
  request.headers.emplace_back("content-type", "application/json");
  request.body.assign(reinterpret_cast<const char*>(data) + 1, size - 1);
  const gateway::HttpResponse response = gateway.router().handle(request);
  if (response.status >= 500) std::abort();

  boost::system::error_code ec;
  const boost::json::value body = boost::json::parse(request.body, ec);
  if (ec) return 0;
  for (const boost::json::value& schema : schemas) {
    std::vector<gateway::FieldError> errors;
    gateway::validate_json(schema, body, "", errors);
  }
  return 0;
}
