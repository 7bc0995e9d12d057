// The paper account of the calling user, read-only: GET /api/v1/trades (fills, filtered by
// symbol, order and time range, newest first, paginated), GET /api/v1/positions and
// GET /api/v1/account (cash, frozen cash, market value at the last fill prices, fees, P&L).
// Each user sees only their own rows (the token's subject); RBAC resource `portfolio`, action
// `read` (traders and up). Rows come from the PaperBroker's tables (services/paper_broker.h).
// Registered once at start-up; handlers are thread-safe; the broker outlives the routes.
#pragma once

#include "api/api_context.h"
#include "core/status.h"
#include "gateway/route_registry.h"
#include "services/paper_broker.h"

namespace mystocks::api {

Status register_portfolio_routes(gateway::RouteRegistry& registry, const MarketApi& api,
                                 services::PaperBroker& broker);

}  // namespace mystocks::api
