// Data routes through the router: every declared table with its store, routing explanation,
// row counts and (time-series) bytes; data-quality rows filtered and paginated.
#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "api/route_support.h"
#include "gateway/openapi.h"
#include "unit/api/api_ext_fixture.h"

namespace mystocks::api::test {
namespace {

class DataRoutesTest : public ApiExtTest {
 protected:
  void add_quality(const std::string& dataset, const std::string& check, const std::string& scope,
                   int64_t ts, const std::string& status) {
    Result<RecordBatch> rows =
        make_rows(**catalog_->find("data_quality_metrics"),
                  {"dataset", "check_name", "scope", "ts", "value", "status"},
                  {{dataset, check, scope, ts, 99.5, status}});
    ASSERT_TRUE(rows.is_ok()) << rows.status().to_string();
    ASSERT_TRUE(data_->save("data_quality_metrics", *rows).is_ok());
  }
};

TEST_F(DataRoutesTest, TablesReportStoreRowsAndBytes) {
  ASSERT_TRUE(tsdb_->flush().is_ok());
  Reply reply = get("/api/v1/data/tables");
  ASSERT_EQ(reply.status, 200) << text(reply);
  const json::array& tables = reply.data().as_array();
  ASSERT_EQ(tables.size(), catalog_->tables().size());
  std::map<std::string, const json::object*> by_name;
  for (const json::value& table : tables)
    by_name[std::string(table.at("name").as_string())] = &table.as_object();

  const json::object& daily_row = *by_name.at("daily_kline");
  EXPECT_EQ(daily_row.at("store").as_string(), "relational");
  EXPECT_EQ(daily_row.at("classification").as_string(), "daily_kline");
  Result<int64_t> daily_rows = sqlite_->count("daily_kline", {});
  ASSERT_TRUE(daily_rows.is_ok());
  EXPECT_GT(*daily_rows, 0);
  EXPECT_EQ(daily_row.at("rows").as_int64(), *daily_rows);
  EXPECT_TRUE(daily_row.at("bytes_on_disk").is_null());
  EXPECT_NE(daily_row.at("explanation").as_string().find("relational store"), std::string::npos);

  const json::object& minute = *by_name.at("minute_kline");
  EXPECT_EQ(minute.at("store").as_string(), "timeseries");
  Result<storage::TableStats> stats = tsdb_->stats("minute_kline");
  ASSERT_TRUE(stats.is_ok());
  EXPECT_EQ(minute.at("rows").as_int64(), stats->rows);
  EXPECT_GT(minute.at("rows").as_int64(), 0);
  EXPECT_EQ(minute.at("series").as_int64(), 2);
  EXPECT_GT(minute.at("bytes_on_disk").as_int64(), 0);
  EXPECT_EQ(by_name.at("tick")->at("rows").as_int64(), 0);
  EXPECT_EQ(by_name.at("orders")->at("rows").as_int64(), 0);
  EXPECT_EQ(get("/api/v1/data/tables?x=1").status, 400);
}

TEST_F(DataRoutesTest, QualityRowsFilteredNewestFirstAndPaged) {
  add_quality("daily_kline", "completeness", "all", kNow - 3000, "ok");
  add_quality("daily_kline", "freshness", "all", kNow - 2000, "warn");
  add_quality("daily_kline", "price_range", main_, kNow - 1000, "fail");
  add_quality("tick", "completeness", "all", kNow, "ok");

  Reply all = get("/api/v1/data/quality");
  ASSERT_EQ(all.status, 200) << text(all);
  ASSERT_EQ(all.data().as_array().size(), 4u);
  EXPECT_EQ(all.data().as_array()[0].at("dataset").as_string(), "tick");
  EXPECT_EQ(all.body.at("pagination").at("total").as_int64(), 4);

  EXPECT_EQ(get("/api/v1/data/quality?table=daily_kline").data().as_array().size(), 3u);
  EXPECT_EQ(get("/api/v1/data/quality?status=ok").data().as_array().size(), 2u);
  EXPECT_EQ(get("/api/v1/data/quality?check=completeness&table=tick").data().as_array().size(), 1u);
  Reply symbol = get("/api/v1/data/quality?symbol=" + main_.substr(0, 6));
  ASSERT_EQ(symbol.data().as_array().size(), 1u);
  EXPECT_EQ(symbol.data().as_array()[0].at("check_name").as_string(), "price_range");
  EXPECT_EQ(get("/api/v1/data/quality?start=" + std::to_string(kNow - 2000) +
                "&end=" + std::to_string(kNow))
                .data()
                .as_array()
                .size(),
            2u);
  Reply page = get("/api/v1/data/quality?size=3&page=2");
  EXPECT_EQ(page.data().as_array().size(), 1u);
  EXPECT_EQ(page.body.at("pagination").at("pages").as_int64(), 2);

  for (const char* bad : {"?status=bad", "?size=0", "?size=501", "?symbol=nope", "?start=x",
                          "?start=2026-11-25&end=2026-11-24", "?dataset=tick"}) {
    Reply reply = get(std::string("/api/v1/data/quality") + bad);
    EXPECT_EQ(reply.status, 400) << bad << ": " << text(reply);
    EXPECT_FALSE(reply.field().empty()) << bad;
  }
}

}  // namespace
}  // namespace mystocks::api::test

namespace mystocks::api::test {
namespace {

TEST_F(DataRoutesTest, EveryRouteIsDocumentedWithItsParameters) {
  const json::value document = gateway::build_openapi(registry_, {.version = "test"});
  const json::object& paths = document.at("paths").as_object();
  for (const gateway::RouteSpec& route : registry_.routes()) {
    const json::value* path = paths.if_contains(route.path);
    ASSERT_NE(path, nullptr) << route.path;
    std::string method(gateway::method_name(route.method));
    std::transform(method.begin(), method.end(), method.begin(), ::tolower);
    const json::value* operation = path->as_object().if_contains(method);
    ASSERT_NE(operation, nullptr) << method << " " << route.path;
  }
  // The indicator route documents every indicator parameter, e.g. MACD's and SAR's.
  const json::array& params =
      paths.at("/api/v1/indicators/{name}").at("get").at("parameters").as_array();
  std::set<std::string> names;
  for (const json::value& param : params) names.insert(std::string(param.at("name").as_string()));
  for (const char* name :
       {"symbol", "interval", "fast", "slow", "signal", "step", "max", "width"}) {
    EXPECT_TRUE(names.contains(name)) << name;
  }
}

}  // namespace
}  // namespace mystocks::api::test
