// Paper-order routes: create, list, get and cancel orders of the calling user (the
// authenticated subject, see route_support.h). An order is admitted only when its symbol is a
// listed stock and it obeys the trading rules (order_rules.h; a rejection is a 400 naming the
// field and the rule, and is not stored); the PaperBroker (services/paper_broker.h) then checks
// the account's cash or sellable shares, stores it with status "new" and fills it from the live
// feed. Day orders become "expired" once their trading date is over (applied before each read).
// POST /api/v1/orders/{id}/cancel is a state change rather than a DELETE, because the order
// remains in the history; cancelling a filled, cancelled, rejected or expired order is a 409.
// Registered once at start-up; handlers are thread-safe; the broker outlives the routes.
#pragma once

#include "api/api_context.h"
#include "core/status.h"
#include "gateway/route_registry.h"
#include "services/paper_broker.h"

namespace mystocks::api {

Status register_order_routes(gateway::RouteRegistry& registry, const MarketApi& api,
                             services::PaperBroker& broker);

}  // namespace mystocks::api
