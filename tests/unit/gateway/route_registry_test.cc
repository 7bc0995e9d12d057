#include "gateway/route_registry.h"

#include <gtest/gtest.h>

namespace mystocks::gateway {
namespace {

Handler named(std::string name) {
  return [name](const HttpRequest&) { return ApiReply::ok(boost::json::value(name)); };
}

TEST(RouteRegistryTest, MatchesStaticAndTemplatedPaths) {
  RouteRegistry registry;
  ASSERT_TRUE(registry.add({.path = "/api/v1/market/symbols", .resource = "test", .action = "read", .handler = named("list")}).is_ok());
  ASSERT_TRUE(registry.add({.path = "/api/v1/market/symbols/{symbol}", .resource = "test", .action = "read", .handler = named("one")}).is_ok());
  ASSERT_TRUE(registry.add({.method = HttpMethod::kPost, .path = "/api/v1/market/symbols", .resource = "test", .action = "read", .handler = named("create")}).is_ok());

  auto list = registry.match(HttpMethod::kGet, "/api/v1/market/symbols");
  ASSERT_EQ(list.kind, RouteRegistry::MatchKind::kFound);
  EXPECT_EQ(list.route->path, "/api/v1/market/symbols");

  auto one = registry.match(HttpMethod::kGet, "/api/v1/market/symbols/600519.SH");
  ASSERT_EQ(one.kind, RouteRegistry::MatchKind::kFound);
  EXPECT_EQ(one.params.at("symbol"), "600519.SH");

  auto head = registry.match(HttpMethod::kHead, "/api/v1/market/symbols");
  EXPECT_EQ(head.kind, RouteRegistry::MatchKind::kFound);
  auto created = registry.match(HttpMethod::kPost, "/api/v1/market/symbols");
  ASSERT_EQ(created.kind, RouteRegistry::MatchKind::kFound);
  EXPECT_EQ(created.route->method, HttpMethod::kPost);
}

TEST(RouteRegistryTest, DistinguishesUnknownPathFromWrongMethod) {
  RouteRegistry registry;
  ASSERT_TRUE(registry.add({.path = "/a/{id}", .resource = "test", .action = "read", .handler = named("a")}).is_ok());
  EXPECT_EQ(registry.match(HttpMethod::kGet, "/a").kind, RouteRegistry::MatchKind::kNoPath);
  EXPECT_EQ(registry.match(HttpMethod::kGet, "/a/").kind, RouteRegistry::MatchKind::kNoPath);
  EXPECT_EQ(registry.match(HttpMethod::kGet, "/a/1/2").kind, RouteRegistry::MatchKind::kNoPath);
  auto wrong = registry.match(HttpMethod::kDelete, "/a/1");
  ASSERT_EQ(wrong.kind, RouteRegistry::MatchKind::kWrongMethod);
  ASSERT_EQ(wrong.allowed.size(), 1u);
  EXPECT_EQ(wrong.allowed[0], HttpMethod::kGet);
}

TEST(RouteRegistryTest, RejectsDuplicatesAndMalformedTemplates) {
  RouteRegistry registry;
  ASSERT_TRUE(registry.add({.path = "/x", .resource = "test", .action = "read", .handler = named("x")}).is_ok());
  Status duplicate = registry.add({.path = "/x", .resource = "test", .action = "read", .handler = named("y")});
  EXPECT_EQ(duplicate.code(), ErrorCode::kAlreadyExists);
  EXPECT_FALSE(registry.add({.path = "/y/{bad", .resource = "test", .action = "read", .handler = named("y")}).is_ok());
  EXPECT_FALSE(registry.add({.path = "no-slash", .resource = "test", .action = "read", .handler = named("y")}).is_ok());
  EXPECT_FALSE(registry.add({.path = "/z"}).is_ok());  // no handler
}

}  // namespace
}  // namespace mystocks::gateway
