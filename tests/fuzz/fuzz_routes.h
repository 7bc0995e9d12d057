// A route registry of representative routes for the gateway fuzz targets: path and query
// parameters of every kind the real routes declare (integer with bounds, enum with default,
// symbol, symbol-list, date-or-epoch-ms, number, boolean) and JSON bodies with the schema
// features the real request schemas use (required, enum, bounds, arrays, nested objects,
// additionalProperties false). Handlers echo the bound values, so rendering runs too.
// Built once per fuzzer process; Router::handle is const and needs no locking here.
#pragma once

#include <memory>

#include <boost/json.hpp>

#include "core/clock.h"
#include "core/metrics.h"
#include "gateway/router.h"

namespace mystocks::fuzz {

namespace json = boost::json;
using gateway::ApiReply;
using gateway::HttpMethod;
using gateway::HttpRequest;
using gateway::ParamLocation;
using gateway::ParamSpec;
using gateway::RouteSpec;

inline ApiReply echo(const HttpRequest& request) {
  json::object data{{"params", request.params}, {"body", request.body_json}};
  return ApiReply::ok(std::move(data));
}

inline json::value order_schema() {
  return json::parse(R"({
    "type": "object", "additionalProperties": false,
    "required": ["symbol", "side", "quantity"],
    "properties": {
      "symbol": {"type": "string", "minLength": 6, "maxLength": 12},
      "side": {"type": "string", "enum": ["buy", "sell"]},
      "price": {"type": "number", "minimum": 0, "maximum": 1000000},
      "quantity": {"type": "integer", "minimum": 100, "maximum": 1000000},
      "tif": {"const": "day"},
      "tags": {"type": "array", "maxItems": 5, "items": {"type": "string", "maxLength": 16}},
      "note": {"type": ["string", "null"]},
      "limits": {"type": "object", "properties": {
        "stop": {"type": "number"}, "trail": {"type": "boolean"}}}
    }})");
}

inline json::value batch_schema() {
  return json::parse(R"({
    "type": "object", "required": ["items"],
    "properties": {
      "items": {"type": "array", "minItems": 1, "maxItems": 50, "items": {
        "type": "object", "required": ["symbol", "period"],
        "properties": {"symbol": {"type": "string"},
                       "period": {"type": "integer", "minimum": 1, "maximum": 250},
                       "values": {"type": "array", "items": {"type": "number"}}}}}
    }})");
}

inline std::vector<RouteSpec> representative_routes() {
  const json::object symbol{{"type", "string"}, {"format", "symbol"}};
  const json::object when{{"type", "string"}, {"format", "date-or-epoch-ms"}};
  std::vector<RouteSpec> routes;
  routes.push_back(
      {.path = "/api/v1/market/kline/{symbol}",
       .params = {
           {.name = "symbol", .in = ParamLocation::kPath, .schema = symbol, .required = true},
           {.name = "interval",
            .schema = json::object{{"type", "string"},
                                   {"enum", json::array{"1m", "5m", "15m", "1d", "1w"}},
                                   {"default", "1d"}}},
           {.name = "start", .schema = when},
           {.name = "end", .schema = when},
           {.name = "limit",
            .schema =
                json::object{
                    {"type", "integer"}, {"minimum", 1}, {"maximum", 5000}, {"default", 100}}},
           {.name = "adjust",
            .schema =
                json::object{{"type", "string"}, {"enum", json::array{"none", "qfq", "hfq"}}}}}});
  routes.push_back(
      {.path = "/api/v1/market/quotes",
       .params = {
           {.name = "symbols",
            .schema = json::object{{"type", "string"}, {"format", "symbol-list"}},
            .required = true},
           {.name = "fields", .schema = json::object{{"type", "string"}, {"maxLength", 64}}}}});
  routes.push_back(
      {.path = "/api/v1/orders/{id}",
       .params = {{.name = "id",
                   .in = ParamLocation::kPath,
                   .schema = json::object{{"type", "integer"}, {"minimum", 1}},
                   .required = true},
                  {.name = "verbose", .schema = json::object{{"type", "boolean"}}},
                  {.name = "ratio",
                   .schema = json::object{{"type", "number"}, {"minimum", 0}, {"maximum", 1}}}}});
  routes.push_back(
      {.method = HttpMethod::kPost, .path = "/api/v1/orders", .request_schema = order_schema()});
  routes.push_back({.method = HttpMethod::kPost,
                    .path = "/api/v1/indicators/batch",
                    .request_schema = batch_schema()});
  for (RouteSpec& route : routes) {
    route.resource = "fuzz";
    route.action = "read";
    route.handler = echo;
  }
  return routes;
}

// The registry and a Router over it without access control, rate limits or caching: every
// request reaches parameter binding and body validation.
class FuzzGateway {
 public:
  FuzzGateway() {
    for (RouteSpec& route : representative_routes()) {
      if (!registry_.add(std::move(route)).is_ok()) std::abort();
    }
    router_ = std::make_unique<gateway::Router>(registry_, metrics_, clock_);
  }
  const gateway::Router& router() const { return *router_; }
  const gateway::RouteRegistry& registry() const { return registry_; }

 private:
  gateway::RouteRegistry registry_;
  MetricsRegistry metrics_;
  ManualClock clock_{1'704'153'600'000};
  std::unique_ptr<gateway::Router> router_;
};

}  // namespace mystocks::fuzz
