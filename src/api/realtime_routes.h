// REST routes of the realtime layer: its status (connections, rooms, memberships) and a publish
// endpoint that pushes one market update into its room through the normal fan-out path, also
// offered as the Socket.IO event "publish" on /market (operators in the shipped policy: the
// route's realtime/publish, the event's event:publish). Registered at start-up; thread-safe.
#pragma once

#include <boost/json/object.hpp>

#include "core/status.h"
#include "gateway/route_registry.h"
#include "realtime/market_channel.h"
#include "realtime/socket_server.h"

namespace mystocks::api {

// Connections, rooms, memberships and queue depths (also part of /api/v1/system/status).
boost::json::object realtime_status(const realtime::SocketServer& server);

Status register_realtime_routes(gateway::RouteRegistry& registry, realtime::SocketServer& server,
                                realtime::MarketChannel& market, const Clock& clock);

}  // namespace mystocks::api
