#include "api/realtime_routes.h"

#include <boost/json/parse.hpp>

#include "api/route_prelude.h"
#include "core/symbol.h"

namespace mystocks::api {
namespace {

Result<realtime::RoomKind> parse_kind(std::string_view kind) {
  static constexpr std::pair<std::string_view, realtime::RoomKind> kKinds[] = {
      {"tick", realtime::RoomKind::kTick},       {"quote", realtime::RoomKind::kQuote},
      {"kline_1m", realtime::RoomKind::kKline1m}, {"depth", realtime::RoomKind::kDepth},
      {"index", realtime::RoomKind::kIndex}};
  for (const auto& [name, value] : kKinds) {
    if (name == kind) return value;
  }
  return field_error(ErrorCode::kInvalidArgument, "kind",
                     "kind '{}' is unknown: expected tick, quote, kline_1m, depth or index", kind);
}

// Checks one update {kind, symbol, data, timestamp?} and sends it through the batched fan-out;
// the room it went to, or an error naming the field.
Result<std::string> publish_update(realtime::MarketChannel& market, const Clock& clock,
                                   const json::object& object) {
  const json::value* kind = object.if_contains("kind");
  const json::value* symbol = object.if_contains("symbol");
  const json::value* data = object.if_contains("data");
  if (!kind || !kind->is_string()) {
    return field_error(ErrorCode::kInvalidArgument, "kind", "kind is required (string)");
  }
  Result<realtime::RoomKind> parsed_kind = parse_kind(kind->as_string());
  MYSTOCKS_RETURN_IF_ERROR(parsed_kind.status());
  if (!symbol || !symbol->is_string()) {
    return field_error(ErrorCode::kInvalidSymbol, "symbol", "symbol is required (string)");
  }
  Result<Symbol> parsed_symbol = Symbol::parse(symbol->as_string());
  MYSTOCKS_RETURN_IF_ERROR(parsed_symbol.status());
  if (!data || !data->is_object()) {
    return field_error(ErrorCode::kInvalidArgument, "data", "data is required (object)");
  }
  int64_t timestamp = clock.now_ms();
  if (const json::value* ts = object.if_contains("timestamp")) {
    if (!ts->is_int64()) {
      return field_error(ErrorCode::kInvalidTimestamp, "timestamp",
                         "timestamp must be epoch milliseconds (integer)");
    }
    timestamp = ts->as_int64();
  }
  const std::string canonical = parsed_symbol->to_string();
  market.publish(*parsed_kind, canonical, data->as_object(), timestamp);
  return std::string(realtime::room_kind_name(*parsed_kind)) + ":" + canonical;
}

}  // namespace

json::object realtime_status(const realtime::SocketServer& server) {
  const realtime::SocketServer::QueueDepth depth = server.queue_depth();
  return json::object{{"connections", server.session_count()},
                      {"rooms", server.room_count()},
                      {"memberships", server.membership_count()},
                      {"queued_packets", depth.total},
                      {"max_queue_depth", depth.max}};
}

Status register_realtime_routes(gateway::RouteRegistry& registry, realtime::SocketServer& server,
                                realtime::MarketChannel& market, const Clock& clock) {
  MYSTOCKS_RETURN_IF_ERROR(registry.add(RouteSpec{
      .method = HttpMethod::kGet,
      .path = "/api/v1/realtime/status",
      .version = "v1",
      .summary = "Realtime server state: open connections and rooms",
      .tags = {"realtime"},
      .resource = "realtime",
      .action = "read",
      .response_schema = json::object{{"type", "object"},
                                      {"properties", {{"connections", {{"type", "integer"}}},
                                                      {"rooms", {{"type", "integer"}}},
                                                      {"memberships", {{"type", "integer"}}},
                                                      {"queued_packets", {{"type", "integer"}}},
                                                      {"max_queue_depth", {{"type", "integer"}}}}}},
      .blocking = false,
      .handler =
          [&server](const HttpRequest&) { return ApiReply::ok(realtime_status(server)); },
  }));
  MYSTOCKS_RETURN_IF_ERROR(registry.add(RouteSpec{
      .method = HttpMethod::kPost,
      .path = "/api/v1/realtime/publish",
      .version = "v1",
      .summary = "Publish one market update to its room (kind:symbol)",
      .description = "Goes through the same batched fan-out as ingested data. Intended for "
                     "operators and tests.",
      .tags = {"realtime"},
      .resource = "realtime",
      .action = "publish",
      .request_schema = json::object{
          {"type", "object"},
          {"required", json::array{"kind", "symbol", "data"}},
          {"properties", {{"kind", {{"type", "string"}, {"enum", json::array{"tick", "quote", "kline_1m", "depth", "index"}}}},
                          {"symbol", {{"type", "string"}, {"examples", json::array{"600519.SH"}}}},
                          {"data", {{"type", "object"}}},
                          {"timestamp", {{"type", "integer"}, {"description", "epoch ms; default now"}}}}}},
      .response_schema = json::object{{"type", "object"},
                                      {"properties", {{"room", {{"type", "string"}}}}}},
      .blocking = false,
      .handler =
          [&market, &clock](const HttpRequest& request) {
            boost::system::error_code ec;
            json::value body = json::parse(request.body, ec);
            if (ec || !body.is_object()) {
              return ApiReply::fail(field_error(ErrorCode::kInvalidArgument, "body",
                                                "body must be a JSON object {{kind, symbol, data}}"));
            }
            Result<std::string> room = publish_update(market, clock, body.as_object());
            if (!room.is_ok()) return ApiReply::fail(room.status());
            return ApiReply::ok(json::object{{"room", *room}});
          },
  }));
  // The same for Socket.IO clients: emit("publish", {kind, symbol, data}, ack) on /market. The
  // policy decides who may (event:publish; operators in the shipped policy).
  server.on("/market", "publish",
            [&market, &clock](const std::shared_ptr<realtime::Socket>&, realtime::Event& event,
                              const realtime::Ack& ack) {
              const json::object* update = event.args.empty() ? nullptr : event.args[0].if_object();
              Result<std::string> room =
                  update != nullptr
                      ? publish_update(market, clock, *update)
                      : Result<std::string>(field_error(ErrorCode::kInvalidArgument, "data",
                                                        "publish takes {{kind, symbol, data}}"));
              if (room.is_ok()) {
                ack(json::array{json::object{{"room", *room}}});
              } else {
                ack(json::array{json::object{{"error_code", std::string(error_name(room.status().code()))},
                                             {"message", std::string(room.status().message())}}});
              }
            });
  return Status::ok();
}

}  // namespace mystocks::api
