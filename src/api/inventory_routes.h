// GET /api/v1/data/inventory: the series inventory (services/series_inventory.h) - per table and
// series, rows, first and last time, last write, source and missing trading days - filtered by
// table, symbols and has_gaps, paged in the envelope, or every matching row as CSV (format=csv
// or Accept: text/csv). Registered once at start-up; the handler is thread-safe.
#pragma once

#include "core/status.h"
#include "gateway/route_registry.h"
#include "services/series_inventory.h"

namespace mystocks::api {

// `inventory` must outlive the registry.
Status register_inventory_routes(gateway::RouteRegistry& registry,
                                 const services::SeriesInventory& inventory);

}  // namespace mystocks::api
