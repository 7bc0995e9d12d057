// Binds a request's path and query parameters to the route's ParamSpecs: converts each raw
// string to the declared JSON Schema type, applies defaults, checks ranges and enums, and
// canonicalises domain formats ("symbol" -> "600519.SH", "symbol-list" -> array of symbols,
// "date-or-epoch-ms" -> epoch milliseconds from YYYY-MM-DD, YYYYMMDD, ISO-8601 or epoch ms).
// Unknown query parameters are rejected (typos should not silently change a result), except
// names starting with "_" (cache busters). All problems are reported together.
// Handlers then read the bound values with the typed readers below, the one set every route
// uses. Thread-safe: pure functions of their arguments.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/envelope.h"
#include "gateway/http_types.h"
#include "gateway/route_registry.h"

namespace mystocks::gateway {

// Fills request.params; returns false and appends to `errors` when something is invalid.
bool bind_params(const RouteSpec& route, HttpRequest& request, std::vector<FieldError>& errors);

// Typed readers of request.params after bind_params: the value when the parameter is present
// with that type (a declared default counts as present), nullopt otherwise. A parameter the
// route declares required, or with a default, is always present, so `*string_param(...)` is
// safe for those; optional ones read `.value_or(fallback)`.
std::optional<std::string> string_param(const HttpRequest& request, std::string_view name);
std::optional<int64_t> int_param(const HttpRequest& request, std::string_view name);
// Whether the parameter is present at all (given or defaulted).
bool has_param(const HttpRequest& request, std::string_view name);

}  // namespace mystocks::gateway
