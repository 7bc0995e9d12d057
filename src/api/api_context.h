// MarketApi: what the data-serving route families (market, indicators, watchlists, orders,
// data) need from the layers below: the DataManager for plain table reads and writes, and the
// market-query service for bars, quotes and cross-sections. Non-owning pointers; the pointees
// outlive the routes.
// One clock per purpose (docs/market-api.md, "Clocks"): market data and trading events (bars,
// quotes, orders, "latest" defaults) follow `clock`, the market clock (the simulated session in
// the demo); records users create (watchlists' created_at/updated_at) and envelopes follow the
// wall clock.
// Thread-safety: the pointees are safe to use from any thread (see each class).
#pragma once

#include "core/clock.h"
#include "services/data_manager.h"
#include "services/market/market_query.h"
#include "storage/table_schema.h"

namespace mystocks::api {

struct MarketApi {
  services::DataManager* data = nullptr;
  const storage::TableCatalog* catalog = nullptr;
  const Clock* clock = nullptr;       // market clock
  const Clock* wall_clock = nullptr;  // user records' times; null = `clock` (they coincide)
  const services::MarketQuery* market = nullptr;  // over the same DataManager as `data`

  const Clock& record_clock() const { return wall_clock != nullptr ? *wall_clock : *clock; }
};

}  // namespace mystocks::api
