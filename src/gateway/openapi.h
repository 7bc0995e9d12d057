// Generates the OpenAPI 3.1 document from the route registry: one operation per route, its
// parameters, request body, the envelope around its response schema, and the shared error
// envelope. Pure function of the registry; call it after all routes are registered.
#pragma once

#include <string>

#include <boost/json/value.hpp>

#include "gateway/route_registry.h"

namespace mystocks::gateway {

struct OpenApiInfo {
  std::string title = "MyStocks API";
  std::string version;
  std::string description;
};

boost::json::value build_openapi(const RouteRegistry& registry, const OpenApiInfo& info);

}  // namespace mystocks::gateway
