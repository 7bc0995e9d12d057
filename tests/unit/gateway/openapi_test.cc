#include "gateway/openapi.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace mystocks::gateway {
namespace {

namespace json = boost::json;

TEST(OpenApiTest, DescribesEveryVisibleRouteWithEnvelopeAndParameters) {
  RouteRegistry registry;
  auto handler = [](const HttpRequest&) { return ApiReply::ok(nullptr); };
  ASSERT_TRUE(registry.add({.path = "/api/v1/market/symbols/{symbol}",
                            .version = "v1",
                            .summary = "One symbol",
                            .tags = {"market"},
                            .resource = "test",
                            .action = "read",
                            .params = {{.name = "symbol", .in = ParamLocation::kPath}},
                            .response_schema = json::object{{"type", "object"}},
                            .handler = handler})
                  .is_ok());
  ASSERT_TRUE(registry.add({.path = "/metrics", .summary = "m", .resource = "test", .action = "read", .raw_content_type = "text/plain",
                            .handler = handler}).is_ok());
  ASSERT_TRUE(registry.add({.path = "/hidden", .resource = "test", .action = "read", .hidden = true, .handler = handler}).is_ok());
  json::object doc = build_openapi(registry, {.version = "1.2.3"}).as_object();
  EXPECT_EQ(doc["openapi"], "3.1.0");
  EXPECT_EQ(doc["info"].as_object()["version"], "1.2.3");
  json::object& paths = doc["paths"].as_object();
  EXPECT_FALSE(paths.contains("/hidden"));
  json::object& op = paths["/api/v1/market/symbols/{symbol}"].as_object()["get"].as_object();
  EXPECT_EQ(op["operationId"], "getApiV1MarketSymbolsSymbol");
  json::object param = op["parameters"].as_array()[0].as_object();
  EXPECT_EQ(param["in"], "path");
  EXPECT_EQ(param["required"], true);
  EXPECT_TRUE(op["responses"].as_object().contains("default"));
  EXPECT_TRUE(paths["/metrics"].as_object()["get"].as_object()["responses"].as_object()["200"]
                  .as_object()["content"].as_object().contains("text/plain"));
}

}  // namespace
}  // namespace mystocks::gateway
