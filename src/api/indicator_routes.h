// Indicator routes: the registry of src/indicators (parameters with defaults and ranges,
// inputs, outputs), one indicator over one symbol's bars, and a bounded batch of indicators x
// symbols with a result or an error per item. Computation: indicator_compute.h.
// Registered once at start-up; handlers are thread-safe.
#pragma once

#include "api/api_context.h"
#include "core/status.h"
#include "gateway/route_registry.h"

namespace mystocks::api {

// Computations (indicator x symbol) one batch request may ask for.
inline constexpr int64_t kMaxIndicatorBatchItems = 50;

Status register_indicator_routes(gateway::RouteRegistry& registry, const MarketApi& api);

}  // namespace mystocks::api
