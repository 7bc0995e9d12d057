// Paper-order routes (no broker, no matching engine yet): create, list, get and cancel orders of
// the calling user (the authenticated subject, see route_support.h), stored transactionally in the `orders`
// table. An order is admitted only when its symbol is a listed stock and it obeys the trading
// rules (order_rules.h); a rejection is a 400 naming the field and the rule, and is not stored.
// Admitted orders get status "new" (accepted, working; the table's vocabulary) and stay so until
// cancelled, or until their trading date is over (day orders: "expired", applied before each read):
// POST /api/v1/orders/{id}/cancel, a state change rather than a DELETE, because the order remains
// in the book history. Cancelling a filled, cancelled, rejected or expired order is a 409.
// Registered once at start-up; handlers are thread-safe.
#pragma once

#include "api/api_context.h"
#include "core/status.h"
#include "gateway/route_registry.h"

namespace mystocks::api {

Status register_order_routes(gateway::RouteRegistry& registry, const MarketApi& api);

}  // namespace mystocks::api
