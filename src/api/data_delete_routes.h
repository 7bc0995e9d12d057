// DELETE /api/v1/data/{table}: range delete of market and reference data (symbols x a time
// range, or the whole table with all=true) through DataManager::delete_range, which publishes
// DataChanged so the response cache and realtime rooms follow. RBAC resource "data", action
// "delete" (operators and admins). Registered once at start-up; the handler is thread-safe.
#pragma once

#include "api/api_context.h"
#include "core/status.h"
#include "gateway/route_registry.h"

namespace mystocks::api {

Status register_data_delete_routes(gateway::RouteRegistry& registry, const MarketApi& api);

}  // namespace mystocks::api
