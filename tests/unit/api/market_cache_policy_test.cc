// The market routes' cache policies (docs/market-api.md "Caching"): every table a policy names
// is declared in tables.yaml (a typo would never be invalidated), the K-line interval picks its
// tables, and the routes over the fastest-changing ranges are not cached.
#include <algorithm>
#include <set>

#include "unit/api/market_api_fixture.h"

namespace mystocks::api::test {
namespace {

std::vector<std::string> tables_for(const gateway::RouteSpec& route, const std::string& interval) {
  if (!route.cache_tables_for) return route.cache_tables;
  gateway::HttpRequest request;
  if (!interval.empty()) request.query.emplace("interval", interval);
  return route.cache_tables_for(request);
}

TEST(MarketCachePolicyTest, PoliciesNameDeclaredTablesAndFollowTheKlineInterval) {
  MarketApiEnvironment env;
  env.open(2);
  std::set<std::string> cached;
  for (const gateway::RouteSpec& route : env.registry_.routes()) {
    if (route.cache_tables.empty() && !route.cache_tables_for) continue;
    cached.insert(route.path);
    for (const std::string interval : {"", "1m", "60m", "1d", "1w", "1M", "bogus"}) {
      const std::vector<std::string> tables = tables_for(route, interval);
      EXPECT_FALSE(tables.empty()) << route.path << " interval " << interval;
      for (const std::string& name : tables) {
        EXPECT_TRUE(env.catalog_->find(name).is_ok())
            << route.path << " names table '" << name << "', which tables.yaml does not declare";
      }
    }
  }
  EXPECT_EQ(cached,
            (std::set<std::string>{
                "/api/v1/market/symbols", "/api/v1/market/symbols/{symbol}", "/api/v1/market/kline",
                "/api/v2/market/kline", "/api/v1/market/quotes", "/api/v1/market/fund-flow",
                "/api/v1/market/calendar", "/api/v1/market/indices/{symbol}/constituents",
                "/api/v1/market/overview", "/api/v2/market/snapshot"}));
  const gateway::RouteSpec* kline = nullptr;
  for (const gateway::RouteSpec& route : env.registry_.routes()) {
    if (route.path == "/api/v2/market/kline") kline = &route;
  }
  ASSERT_NE(kline, nullptr);
  const std::vector<std::string> daily = tables_for(*kline, "1d");
  EXPECT_EQ(std::count(daily.begin(), daily.end(), "minute_kline"), 0)
      << "live 1-minute bars must not expire daily K-lines";
  const std::vector<std::string> minute = tables_for(*kline, "5m");
  EXPECT_EQ(std::count(minute.begin(), minute.end(), "minute_kline"), 1);
  EXPECT_EQ(tables_for(*kline, ""), daily) << "interval defaults to 1d";
}

}  // namespace
}  // namespace mystocks::api::test
