#include "api/market_routes.h"

namespace mystocks::api {

Status register_market_routes(gateway::RouteRegistry& registry, const MarketApi& api) {
  if (api.data == nullptr || api.catalog == nullptr || api.clock == nullptr ||
      api.market == nullptr) {
    return error(ErrorCode::kFailedPrecondition,
                 "market routes need a DataManager, a table catalog, a clock and a MarketQuery");
  }
  MYSTOCKS_RETURN_IF_ERROR(register_market_reference_routes(registry, api));
  MYSTOCKS_RETURN_IF_ERROR(register_market_kline_routes(registry, api));
  MYSTOCKS_RETURN_IF_ERROR(register_market_quote_routes(registry, api));
  MYSTOCKS_RETURN_IF_ERROR(register_market_overview_route(registry, api));
  return register_market_snapshot_route(registry, api);
}

}  // namespace mystocks::api
