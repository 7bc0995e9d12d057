// The data-serving route families in one call: market data, indicators, watchlists, paper
// orders and the data/quality routes, all over the DataManager. The server registers them once
// at start-up (single thread), after the system routes.
#pragma once

#include "api/api_context.h"
#include "core/status.h"
#include "gateway/route_registry.h"

namespace mystocks::api {

Status register_data_api(gateway::RouteRegistry& registry, const MarketApi& api);

}  // namespace mystocks::api
