// Reference and activity routes through the real gateway Router over real stores seeded by the
// simulator: symbols (filters, search, pagination, CSV), symbol detail and 404, calendar,
// constituents, ticks, quotes (realtime_quote with tick fallback; indices from index_quote),
// depth, fund flow, overview, and the JSON number format.
#include <map>
#include <regex>

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "gateway/openapi.h"
#include "sources/simulator/live_feed.h"
#include "unit/api/market_api_fixture.h"

namespace mystocks::api::test {
namespace {

namespace json = boost::json;

class MarketRoutesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    env_ = new MarketApiEnvironment();
    env_->open();
  }
  static void TearDownTestSuite() {
    delete env_;
    env_ = nullptr;
  }
  static MarketApiEnvironment* env_;
};
MarketApiEnvironment* MarketRoutesTest::env_ = nullptr;

TEST_F(MarketRoutesTest, SymbolsArePagedWithTotals) {
  const Reply all = env_->get("/api/v1/market/symbols?size=500");
  ASSERT_EQ(all.status(), 200) << all.http.body;
  const int64_t total = all.body.at("pagination").at("total").as_int64();
  EXPECT_EQ(static_cast<size_t>(total), all.data().as_array().size());
  EXPECT_GE(static_cast<size_t>(total), env_->symbols().size());

  const Reply page2 = env_->get("/api/v1/market/symbols?size=2&page=2");
  ASSERT_EQ(page2.status(), 200);
  EXPECT_EQ(page2.body.at("pagination"),
            (json::object{{"page", 2}, {"size", 2}, {"total", total}, {"pages", (total + 1) / 2}}));
  ASSERT_EQ(page2.data().as_array().size(), 2u);
  EXPECT_EQ(page2.data().at(0).at("symbol"), all.data().at(2).at("symbol"));
}

TEST_F(MarketRoutesTest, SymbolsFilterAndSearch) {
  const std::string first = env_->symbols().front();
  const std::string exchange = first.substr(7);
  const Reply by_exchange = env_->get("/api/v1/market/symbols?size=500&exchange=" + exchange);
  ASSERT_EQ(by_exchange.status(), 200);
  ASSERT_FALSE(by_exchange.data().as_array().empty());
  for (const json::value& row : by_exchange.data().as_array())
    EXPECT_EQ(row.at("exchange"), exchange.c_str());

  const Reply by_code = env_->get("/api/v1/market/symbols?q=" + first.substr(0, 5));
  ASSERT_EQ(by_code.status(), 200);
  bool found = false;
  for (const json::value& row : by_code.data().as_array()) {
    EXPECT_TRUE(std::string(row.at("symbol").as_string()).starts_with(first.substr(0, 5)));
    found = found || row.at("symbol") == first.c_str();
  }
  EXPECT_TRUE(found);

  const Reply detail = env_->get("/api/v1/market/symbols/" + first);
  ASSERT_EQ(detail.status(), 200);
  const std::string name(detail.data().at("name").as_string());
  const Reply by_name = env_->get("/api/v1/market/symbols?q=" +
                                  boost::urls::encode(name, boost::urls::unreserved_chars));
  ASSERT_EQ(by_name.status(), 200) << by_name.http.body;
  ASSERT_FALSE(by_name.data().as_array().empty());
  EXPECT_EQ(by_name.data().at(0).at("name"), name.c_str());

  const Reply board = env_->get("/api/v1/market/symbols?board=bse&exchange=SH");
  ASSERT_EQ(board.status(), 200);
  EXPECT_EQ(board.body.at("pagination").at("total"), 0) << "no Beijing board on Shanghai";
}

TEST_F(MarketRoutesTest, SymbolsAnswerCsvWhenAccepted) {
  const Reply csv = env_->get("/api/v1/market/symbols?size=3", {{"accept", "text/csv"}});
  ASSERT_EQ(csv.status(), 200);
  EXPECT_EQ(csv.http.content_type, "text/csv; charset=utf-8");
  EXPECT_TRUE(csv.http.body.starts_with("symbol,name,exchange,board,")) << csv.http.body;
  EXPECT_EQ(std::count(csv.http.body.begin(), csv.http.body.end(), '\n'), 4);
  EXPECT_FALSE(csv.header("X-Total-Count").empty());
  EXPECT_EQ(csv.header("Vary"), "Accept");
}

TEST_F(MarketRoutesTest, UnknownSymbolIs404NamingTheField) {
  const Reply missing = env_->get("/api/v1/market/symbols/999999.SH");
  EXPECT_EQ(missing.status(), 404);
  EXPECT_EQ(missing.errors(), (std::vector<std::string>{"symbol:NOT_FOUND"}));
  for (const char* route :
       {"/api/v1/market/kline?symbol=999999.SH", "/api/v1/market/ticks?symbol=999999.SH",
        "/api/v1/market/depth?symbol=999999.SH", "/api/v1/market/fund-flow?symbol=999999.SH",
        "/api/v2/market/kline?symbol=999999.SH", "/api/v1/market/indices/999999.SH/constituents"}) {
    const Reply reply = env_->get(route);
    EXPECT_EQ(reply.status(), 404) << route << ": " << reply.http.body;
    EXPECT_EQ(reply.errors(), (std::vector<std::string>{"symbol:NOT_FOUND"})) << route;
  }
}

TEST_F(MarketRoutesTest, CalendarListsDaysOfTheRange) {
  const Reply all =
      env_->get("/api/v1/market/calendar?exchange=SZ&start=2026-11-01&end=2026-11-30");
  ASSERT_EQ(all.status(), 200) << all.http.body;
  ASSERT_EQ(all.data().as_array().size(), 30u);
  EXPECT_EQ(all.data().at(0).at("trade_date"), "2026-11-01");
  EXPECT_EQ(all.data().at(29).at("trade_date"), "2026-11-30");
  const Reply open = env_->get(
      "/api/v1/market/calendar?exchange=SZ&start=2026-11-01&end=2026-11-30&open_only=true");
  ASSERT_EQ(open.status(), 200);
  EXPECT_EQ(open.data().as_array().size(), 21u) << "November 2026 has 21 weekdays and no holiday";
  for (const json::value& day : open.data().as_array()) EXPECT_EQ(day.at("is_open"), true);
}

TEST_F(MarketRoutesTest, IndexConstituentsOfTheNewestRebalancing) {
  const sources::IndexInfo& index = env_->source().simulator()->universe().indices().front();
  const Reply reply = env_->get("/api/v1/market/indices/" + index.canonical + "/constituents");
  ASSERT_EQ(reply.status(), 200) << reply.http.body;
  EXPECT_EQ(reply.data().at("index"), index.canonical.c_str());
  EXPECT_FALSE(reply.data().at("constituents").as_array().empty());
  const Reply before =
      env_->get("/api/v1/market/indices/" + index.canonical + "/constituents?date=2000-01-01");
  EXPECT_EQ(before.status(), 404);
}

TEST_F(MarketRoutesTest, TicksAreTheNewestOldestFirst) {
  const std::string symbol = env_->symbols().front();
  const Reply reply = env_->get("/api/v1/market/ticks?symbol=" + symbol + "&limit=5");
  ASSERT_EQ(reply.status(), 200) << reply.http.body;
  const json::array& ticks = reply.data().at("ticks").as_array();
  ASSERT_EQ(ticks.size(), 5u);
  for (size_t row = 1; row < ticks.size(); ++row) {
    EXPECT_LT(ticks[row - 1].at("ts").as_int64(), ticks[row].at("ts").as_int64());
  }
  Result<RecordBatch> newest = env_->data_->latest("tick", {symbol}, {"ts"});
  ASSERT_TRUE(newest.is_ok());
  EXPECT_EQ(ticks.back().at("ts").as_int64(), newest->column(0).as<int64_t>()[0]);

  const Reply csv =
      env_->get("/api/v1/market/ticks?symbol=" + symbol + "&limit=5", {{"accept", "text/csv"}});
  EXPECT_EQ(csv.http.content_type, "text/csv; charset=utf-8");
  EXPECT_TRUE(csv.http.body.starts_with("ts,symbol,exchange,last,")) << csv.http.body.substr(0, 80);
  EXPECT_EQ(std::count(csv.http.body.begin(), csv.http.body.end(), '\n'), 6);
}

TEST_F(MarketRoutesTest, QuotesFallBackToTicksAndListMissingSymbols) {
  std::string list;
  for (const std::string& symbol : env_->symbols()) list += symbol + ",";
  const Reply reply = env_->get("/api/v1/market/quotes?symbols=" + list + "999999");
  ASSERT_EQ(reply.status(), 200) << reply.http.body;
  const json::array& quotes = reply.data().at("quotes").as_array();
  ASSERT_EQ(quotes.size(), env_->symbols().size());
  size_t from_quotes = 0;
  for (const json::value& quote : quotes) {
    EXPECT_TRUE(quote.at("last").is_number());
    from_quotes += quote.at("source") == "realtime_quote" ? 1 : 0;
  }
  EXPECT_EQ(from_quotes, env_->symbols().size() / 2);
  EXPECT_EQ(reply.data().at("missing"), (json::array{"999999.SH"}));
}

TEST_F(MarketRoutesTest, QuotesOfIndicesComeFromIndexQuoteBesideSecurities) {
  // The index snapshots of the day's last minute, as the live feed stores them.
  const Date today = Date::from_ymd(2026, 11, 24);
  ManualClock market(shanghai_time(today, 14, 59));
  sources::LiveOptions options;
  options.symbols = {*Symbol::parse(env_->symbols()[0])};
  Result<std::unique_ptr<sources::LiveFeed>> feed =
      sources::LiveFeed::create(env_->source().simulator(), env_->catalog_, market, options);
  ASSERT_TRUE(feed.is_ok()) << feed.status().to_string();
  Result<sources::LiveBatch> batch = (*feed)->next_batch(shanghai_time(today, 15, 0));
  ASSERT_TRUE(batch.is_ok()) << batch.status().to_string();
  ASSERT_GT(batch->index_quotes.num_rows(), 0u);
  env_->save("index_quote", batch->index_quotes);

  // A security with a realtime quote, one with only ticks, two indices, an unknown index.
  const std::string first = env_->symbols().front();
  const std::string last = env_->symbols().back();
  const Reply reply = env_->get("/api/v1/market/quotes?symbols=000300.SH," + first + ",399001.SZ," +
                                last + ",000999.SH");
  ASSERT_EQ(reply.status(), 200) << reply.http.body;
  std::map<std::string, json::object> by_symbol;
  for (const json::value& quote : reply.data().at("quotes").as_array()) {
    by_symbol[std::string(quote.at("symbol").as_string())] = quote.as_object();
  }
  ASSERT_EQ(by_symbol.size(), 4u) << reply.http.body;
  EXPECT_EQ(by_symbol[first].at("source"), "realtime_quote");
  EXPECT_EQ(by_symbol[last].at("source"), "tick");
  for (const std::string index : {"000300.SH", "399001.SZ"}) {
    const json::object& quote = by_symbol[index];
    EXPECT_EQ(quote.at("source"), "index_quote") << index;
    EXPECT_EQ(quote.at("ts").as_int64(), shanghai_time(today, 15, 0)) << index;
    EXPECT_GT(quote.at("last").to_number<double>(), 0) << index;
    EXPECT_TRUE(quote.at("pre_close").is_number()) << index;
    EXPECT_FALSE(quote.contains("limit_up")) << index << ": an index has no price limits";
  }
  EXPECT_EQ(reply.data().at("missing"), (json::array{"000999.SH"}));
}

TEST_F(MarketRoutesTest, FundFlowRowsOldestFirst) {
  const Reply reply =
      env_->get("/api/v1/market/fund-flow?symbol=" + env_->symbols().front() + "&start=2026-11-01");
  ASSERT_EQ(reply.status(), 200) << reply.http.body;
  const json::array& flows = reply.data().at("flows").as_array();
  ASSERT_FALSE(flows.empty());
  EXPECT_EQ(flows.back().at("trade_date"), "2026-11-24");
  EXPECT_TRUE(flows.front().at("main_net_inflow").is_number());
}

TEST_F(MarketRoutesTest, OverviewCountsEveryStockOfTheNewestDate) {
  const Reply reply = env_->get("/api/v1/market/overview");
  ASSERT_EQ(reply.status(), 200) << reply.http.body;
  const json::value& data = reply.data();
  EXPECT_EQ(data.at("trade_date"), "2026-11-24");
  EXPECT_EQ(data.at("stocks").as_int64(), static_cast<int64_t>(env_->symbols().size()));
  EXPECT_EQ(data.at("advancers").as_int64() + data.at("decliners").as_int64() +
                data.at("unchanged").as_int64(),
            data.at("stocks").as_int64());
  EXPECT_GT(data.at("total_amount").as_double(), 0);
}

TEST_F(MarketRoutesTest, PricesNeverPrintInExponentForm) {
  const Reply reply =
      env_->get("/api/v1/market/kline?symbol=" + env_->symbols().front() + "&limit=50");
  ASSERT_EQ(reply.status(), 200);
  EXPECT_FALSE(std::regex_search(reply.http.body, std::regex(R"([:\[,]-?[0-9.]+[eE][-+]?[0-9])")))
      << reply.http.body;
}

}  // namespace
}  // namespace mystocks::api::test

namespace mystocks::api::test {
namespace {

TEST_F(MarketRoutesTest, OpenApiDocumentsEveryMarketRouteWithSchemasAndCsv) {
  const boost::json::value doc = gateway::build_openapi(env_->registry_, {.version = "test"});
  const boost::json::object& paths = doc.at("paths").as_object();
  size_t market_routes = 0;
  for (const gateway::RouteSpec& route : env_->registry_.routes()) {
    ASSERT_TRUE(paths.contains(route.path)) << route.path;
    const boost::json::value& get = paths.at(route.path).at("get");
    EXPECT_FALSE(route.summary.empty()) << route.path;
    EXPECT_TRUE(get.at("responses")
                    .at("200")
                    .at("content")
                    .at("application/json")
                    .as_object()
                    .contains("example"))
        << route.path;
    ++market_routes;
  }
  EXPECT_EQ(market_routes, 12u);
  for (const char* csv : {"/api/v1/market/symbols", "/api/v1/market/ticks", "/api/v1/market/kline",
                          "/api/v2/market/kline", "/api/v2/market/snapshot"}) {
    EXPECT_TRUE(paths.at(csv)
                    .at("get")
                    .at("responses")
                    .at("200")
                    .at("content")
                    .as_object()
                    .contains("text/csv"))
        << csv;
  }
  EXPECT_EQ(paths.at("/api/v1/market/kline").at("get").at("deprecated"), true);
}

}  // namespace
}  // namespace mystocks::api::test
