// Data routes: every table of tables.yaml with its classification, target store (and why, from
// DataManager::route), row count and bytes where the store can tell; and the rows of
// data_quality_metrics, filtered and paginated. The ingest-job routes belong with the JobRunner.
// Registered once at start-up; handlers are thread-safe.
#pragma once

#include "api/api_context.h"
#include "core/status.h"
#include "gateway/route_registry.h"

namespace mystocks::api {

Status register_data_routes(gateway::RouteRegistry& registry, const MarketApi& api);

}  // namespace mystocks::api
