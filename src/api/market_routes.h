// The market-data REST routes (issue 7): securities master, K-lines (v1 rows and v2 columns /
// CSV), ticks, quotes, order-book depth, fund flow, trading calendar, index constituents and the
// market overview, all under /api/v1/market (and /api/v2/market/kline and the cross-sectional
// /api/v2/market/snapshot), enveloped, validated from their parameter schemas and documented in
// OpenAPI.
// Call once at start-up, before the registry is used; the routes keep the MarketApi pointers,
// which must outlive the registry. Handlers are thread-safe.
#pragma once

#include "api/api_context.h"
#include "core/status.h"
#include "gateway/route_registry.h"

namespace mystocks::api {

Status register_market_routes(gateway::RouteRegistry& registry, const MarketApi& api);

// The route families register_market_routes() adds, by concern (market_*_routes.cc).
Status register_market_reference_routes(gateway::RouteRegistry& registry, const MarketApi& api);
Status register_market_kline_routes(gateway::RouteRegistry& registry, const MarketApi& api);
Status register_market_quote_routes(gateway::RouteRegistry& registry, const MarketApi& api);
Status register_market_overview_route(gateway::RouteRegistry& registry, const MarketApi& api);
Status register_market_snapshot_route(gateway::RouteRegistry& registry, const MarketApi& api);

}  // namespace mystocks::api
