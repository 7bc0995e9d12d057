// The data-serving route families in one call: market data, indicators, watchlists and the
// data/quality routes, all over the DataManager (paper orders need the PaperBroker and are
// registered by register_order_routes and register_portfolio_routes). The server registers them
// once at start-up (single thread), after the system routes.
#pragma once

#include "api/api_context.h"
#include "core/status.h"
#include "gateway/route_registry.h"

namespace mystocks::api {

Status register_data_api(gateway::RouteRegistry& registry, const MarketApi& api);

}  // namespace mystocks::api
