// Watchlist routes: full CRUD of the calling user's named watchlists and their symbols
// (the authenticated subject, see route_support.h). A list is a `watchlists` row (id, unique name per user) and
// its members are `watchlist_symbols` rows in display order; every change runs in one relational
// transaction. Symbols must be in the `symbols` table (400 naming the field otherwise); a second
// list with the same name, or a symbol already in the list, is a 409. Another user's list is a
// 404, as if it did not exist.
// Registered once at start-up; handlers are thread-safe.
#pragma once

#include "api/api_context.h"
#include "core/status.h"
#include "gateway/route_registry.h"

namespace mystocks::api {

// At most this many symbols per list (and per request).
inline constexpr int64_t kMaxWatchlistSymbols = 500;

Status register_watchlist_routes(gateway::RouteRegistry& registry, const MarketApi& api);

}  // namespace mystocks::api
