#include "api/data_api.h"

#include "api/data_delete_routes.h"
#include "api/data_routes.h"
#include "api/indicator_routes.h"
#include "api/market_routes.h"
#include "api/watchlist_routes.h"

namespace mystocks::api {

Status register_data_api(gateway::RouteRegistry& registry, const MarketApi& api) {
  MYSTOCKS_RETURN_IF_ERROR(register_market_routes(registry, api));
  MYSTOCKS_RETURN_IF_ERROR(register_indicator_routes(registry, api));
  MYSTOCKS_RETURN_IF_ERROR(register_watchlist_routes(registry, api));
  MYSTOCKS_RETURN_IF_ERROR(register_data_delete_routes(registry, api));
  return register_data_routes(registry, api);
}

}  // namespace mystocks::api
