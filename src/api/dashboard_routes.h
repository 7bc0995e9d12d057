// The web dashboard (web/, docs/dashboard.md): GET / answers its index.html and GET
// /assets/{file} the bundled scripts and styles, read from server.dashboard_dir. Bundle files
// carry a content hash in their names, so they are cached as immutable; index.html names the
// current hashes and is revalidated on every load (no-cache plus ETag). Both are public
// (RBAC object "dashboard", action "read"): the page itself holds no data, every API call it
// makes is checked on its own.
// Registered once at start-up; handlers are thread-safe.
#pragma once

#include <string>

#include "core/status.h"
#include "gateway/route_registry.h"

namespace mystocks::api {

Status register_dashboard_routes(gateway::RouteRegistry& registry, const std::string& dashboard_dir);

}  // namespace mystocks::api
