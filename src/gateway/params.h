// Binds a request's path and query parameters to the route's ParamSpecs: converts each raw
// string to the declared JSON Schema type, applies defaults, checks ranges and enums, and
// canonicalises domain formats ("symbol" -> "600519.SH", "symbol-list" -> array of symbols,
// "date-or-epoch-ms" -> epoch milliseconds from YYYY-MM-DD, YYYYMMDD, ISO-8601 or epoch ms).
// Unknown query parameters are rejected (typos should not silently change a result), except
// names starting with "_" (cache busters). All problems are reported together. Thread-safe.
#pragma once

#include <vector>

#include "gateway/envelope.h"
#include "gateway/http_types.h"
#include "gateway/route_registry.h"

namespace mystocks::gateway {

// Fills request.params; returns false and appends to `errors` when something is invalid.
bool bind_params(const RouteSpec& route, HttpRequest& request, std::vector<FieldError>& errors);

}  // namespace mystocks::gateway
