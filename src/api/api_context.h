// What the REST route families need from the running server: the DataManager for every read,
// the table catalog for schemas and the injected clock for "now" (default ranges, overview).
// The server owns all three and keeps them alive while routes are registered; routes hold the
// pointers. DataManager and Clock are thread-safe, the catalog is immutable after start-up.
#pragma once

#include "core/clock.h"
#include "services/data_manager.h"
#include "storage/table_schema.h"

namespace mystocks::api {

struct MarketApi {
  services::DataManager* data = nullptr;
  const storage::TableCatalog* catalog = nullptr;
  const Clock* clock = nullptr;
};

}  // namespace mystocks::api
