// A relational store that is down: the routes it serves answer 503 UNAVAILABLE with Retry-After
// (the error registry's mapping), while routes served by the time-series store keep working.
#include "unit/api/market_api_fixture.h"

namespace mystocks::api::test {
namespace {

// Creates tables through the real store, then refuses every read and write as a server that went
// away would.
class DownRelationalStore final : public storage::RelationalStore {
 public:
  explicit DownRelationalStore(storage::RelationalStore& inner) : inner_(inner) {}
  std::string_view backend() const override { return inner_.backend(); }
  std::string describe() const override { return inner_.describe(); }
  Status ensure_table(const storage::TableSchema& table) override {
    return inner_.ensure_table(table);
  }
  Result<int64_t> schema_version(const std::string& table) override {
    return inner_.schema_version(table);
  }
  Status transaction(const std::function<Status(storage::RelationalOps&)>&) override {
    return down();
  }
  Status check_health() override { return down(); }
  Status upsert(const std::string&, const RecordBatch&) override { return down(); }
  Result<RecordBatch> query(const std::string&, const storage::RelationalQuery&) override {
    return down();
  }
  Result<int64_t> count(const std::string&, const std::vector<storage::Filter>&) override {
    return down();
  }
  Result<int64_t> erase(const std::string&, const std::vector<storage::Filter>&) override {
    return down();
  }

 private:
  static Status down() {
    return error(ErrorCode::kUnavailable, "relational store: connection refused");
  }
  storage::RelationalStore& inner_;
};

TEST(MarketUnavailableTest, RelationalRoutesAnswer503WhileTimeSeriesRoutesWork) {
  MarketApiEnvironment env;
  env.open(2);
  DownRelationalStore down(*env.sqlite_);
  services::DataManager data(*env.catalog_, env.tsdb_.get(), &down, env.clock_,
                             services::DataManagerOptions{.metrics = &env.metrics_});
  MYSTOCKS_ASSERT_OK(data.open());
  gateway::RouteRegistry registry;
  const services::MarketQuery market(data);
  MYSTOCKS_ASSERT_OK(register_market_routes(
      registry,
      {.data = &data, .catalog = env.catalog_.get(), .clock = &env.clock_, .market = &market}));
  gateway::Router router(registry, env.metrics_, env.clock_);
  auto get = [&](std::string target) {
    gateway::HttpRequest request;
    request.target = std::move(target);
    return router.handle(request);
  };
  const std::string symbol = env.symbols().front();
  for (const std::string& target : std::vector<std::string>{
           "/api/v1/market/kline?symbol=" + symbol, "/api/v1/market/symbols",
           "/api/v1/market/symbols/" + symbol, "/api/v1/market/overview", "/api/v1/market/calendar",
           "/api/v1/market/fund-flow?symbol=" + symbol}) {
    const gateway::HttpResponse response = get(target);
    EXPECT_EQ(response.status, 503) << target << ": " << response.body;
    EXPECT_NE(response.body.find("\"code\":\"UNAVAILABLE\""), std::string::npos) << target;
    bool retry_after = false;
    for (const auto& [name, value] : response.headers)
      retry_after = retry_after || name == "Retry-After";
    EXPECT_TRUE(retry_after) << target;
  }
  EXPECT_EQ(get("/api/v1/market/quotes?symbols=" + symbol).status, 200);
  EXPECT_EQ(get("/api/v1/market/ticks?symbol=" + symbol + "&limit=3").status, 200);
}

}  // namespace
}  // namespace mystocks::api::test
