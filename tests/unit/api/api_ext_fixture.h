// Fixture of the indicator, watchlist, order and data route tests: the stores of
// support/embedded_stores.h, seeded from the market simulator (the securities master of 60
// simulated stocks and the indices, daily bars of a few symbols for half a year, 1m bars of two
// symbols), and a gateway::Router over a registry holding the four route families. Requests go
// through Router::handle exactly as the server's would. The manual clock stands at Wednesday
// 2026-11-25 10:00 Asia/Shanghai.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "api/api_context.h"
#include "api/data_routes.h"
#include "api/indicator_routes.h"
#include "api/order_routes.h"
#include "api/portfolio_routes.h"
#include "api/watchlist_routes.h"
#include "gateway/router.h"
#include "sources/simulator/simulator_source.h"
#include "support/assert_status.h"
#include "support/embedded_stores.h"

namespace mystocks::api::test {

namespace json = boost::json;

struct Reply {
  int status = 0;
  json::value body;  // the parsed envelope

  const json::value& data() const { return body.at("data"); }
  std::string message() const {
    const json::value* text = body.as_object().if_contains("message");
    return text != nullptr && text->is_string() ? std::string(text->as_string()) : std::string();
  }
  // The `field` of the first entry of `errors`, empty when there is none.
  std::string field() const {
    const json::value* errors = body.as_object().if_contains("errors");
    if (errors == nullptr || !errors->is_array() || errors->as_array().empty()) return {};
    return std::string(errors->as_array()[0].at("field").as_string());
  }
  std::string code() const {
    const json::value* errors = body.as_object().if_contains("errors");
    if (errors == nullptr || !errors->is_array() || errors->as_array().empty()) return {};
    return std::string(errors->as_array()[0].at("code").as_string());
  }
};

// Prints a reply for failure messages.
inline std::string text(const Reply& reply) {
  return std::to_string(reply.status) + " " + json::serialize(reply.body);
}

class ApiExtTest : public ::testing::Test, protected mystocks::test::EmbeddedStores {
 protected:
  static constexpr int64_t kNow = 1795572000000;  // 2026-11-25T10:00:00+08:00

  ApiExtTest() : EmbeddedStores(kNow) {}

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(open_stores("api_ext_"));
    ASSERT_NO_FATAL_FAILURE(seed());
    const MarketApi api{
        .data = data_.get(), .catalog = catalog_.get(), .clock = &clock_, .market = market_.get()};
    MYSTOCKS_ASSERT_OK(register_indicator_routes(registry_, api));
    MYSTOCKS_ASSERT_OK(register_watchlist_routes(registry_, api));
    broker_ = std::make_unique<services::PaperBroker>(*data_, clock_);
    MYSTOCKS_ASSERT_OK(register_order_routes(registry_, api, *broker_));
    MYSTOCKS_ASSERT_OK(register_portfolio_routes(registry_, api, *broker_));
    MYSTOCKS_ASSERT_OK(register_data_routes(registry_, api));
    router_ = std::make_unique<gateway::Router>(registry_, metrics_, clock_,
                                                gateway::RouterOptions{.access_control = &access_});
  }

  // The routes under test, not the access rules (tests/e2e/auth.test.mjs covers those): every
  // caller is allowed, and is the user the test names ("demo" when it names none).
  class TestUsers final : public gateway::AccessControl {
   public:
    std::optional<Result<gateway::Principal>> authenticate(const gateway::HttpRequest& request,
                                                           bool) const override {
      gateway::Principal principal;
      principal.method = gateway::AuthMethod::kBearer;
      principal.subject = request.header("x-test-user").empty() ? std::string("demo")
                                                                : std::string(request.header("x-test-user"));
      principal.username = principal.subject;
      principal.roles = {"trader"};
      return Result<gateway::Principal>(std::move(principal));
    }
    bool allowed(const gateway::Principal&, std::string_view, std::string_view) const override {
      return true;
    }
    Status check_csrf(const gateway::HttpRequest&, const gateway::Principal&) const override {
      return Status::ok();
    }
    void audit(const gateway::HttpRequest&, const gateway::RouteSpec&, int) const override {}
    double rate_scale(const gateway::Principal&) const override { return 1; }
  };

  Reply call(gateway::HttpMethod method, std::string target, std::string body = {},
             std::string user = {}) {
    gateway::HttpRequest request;
    request.method = method;
    request.target = std::move(target);
    request.body = std::move(body);
    request.remote_address = "127.0.0.1:5000";
    if (!user.empty()) request.headers.emplace_back("x-test-user", std::move(user));
    gateway::HttpResponse response = router_->handle(request);
    Reply reply{response.status, nullptr};
    boost::system::error_code ec;
    reply.body = json::parse(response.body, ec);
    EXPECT_FALSE(ec) << "not JSON: " << response.body;
    return reply;
  }
  Reply get(std::string target, std::string user = {}) {
    return call(gateway::HttpMethod::kGet, std::move(target), {}, std::move(user));
  }
  Reply post(std::string target, std::string body, std::string user = {}) {
    return call(gateway::HttpMethod::kPost, std::move(target), std::move(body), std::move(user));
  }

  // Daily bars of `symbol` as the DataManager returns them, oldest first.
  RecordBatch daily(const std::string& symbol) {
    services::LoadQuery query;
    query.symbols = {symbol};
    Result<RecordBatch> rows = data_->load("daily_kline", query);
    EXPECT_TRUE(rows.is_ok()) << rows.status().to_string();
    return rows.is_ok() ? std::move(*rows) : RecordBatch();
  }
  RecordBatch minutes(const std::string& symbol) {
    services::LoadQuery query;
    query.symbols = {symbol};
    query.filters = {storage::eq("frequency", "1m")};
    Result<RecordBatch> rows = data_->load("minute_kline", query);
    EXPECT_TRUE(rows.is_ok()) << rows.status().to_string();
    return rows.is_ok() ? std::move(*rows) : RecordBatch();
  }

  // The first simulated stock matching `board` and `is_st`; empty when there is none.
  std::string stock(Board board, bool is_st = false) const {
    for (const sources::SecurityInfo& info : source_->simulator()->universe().securities()) {
      if (info.board == board && info.is_st == is_st) return info.canonical;
    }
    return {};
  }

  std::string main_ = "", chinext_, star_, bse_, st_;  // seeded stocks by board (st_ may be "")

 private:
  void save(const std::string& table, Result<RecordBatch> batch) {
    ASSERT_TRUE(batch.is_ok()) << table << ": " << batch.status().to_string();
    Result<services::SaveReport> saved = data_->save(table, *batch);
    ASSERT_TRUE(saved.is_ok()) << table << ": " << saved.status().to_string();
  }

  void seed() {
    Result<std::unique_ptr<sources::SimulatorSource>> source =
        sources::SimulatorSource::create("sim", sources::SimulatorOptions{7, 60}, catalog_, clock_);
    ASSERT_TRUE(source.is_ok()) << source.status().to_string();
    source_ = std::move(*source);
    main_ = stock(Board::kMain);
    chinext_ = stock(Board::kChiNext);
    star_ = stock(Board::kStar);
    bse_ = stock(Board::kBse);
    st_ = stock(Board::kMain, true);
    ASSERT_FALSE(main_.empty() || chinext_.empty() || star_.empty() || bse_.empty());
    save("symbols", source_->symbols({}));
    std::vector<Symbol> seeded;
    for (const std::string* symbol : {&main_, &chinext_, &star_, &bse_, &st_}) {
      if (!symbol->empty()) seeded.push_back(*Symbol::parse(*symbol));
    }
    save("daily_kline", source_->daily_bars(sources::SourceRequest::range(
                            seeded, Date::from_ymd(2026, 5, 1), Date::from_ymd(2026, 11, 25))));
    sources::SourceRequest minute =
        sources::SourceRequest::range({*Symbol::parse(main_), *Symbol::parse(chinext_)},
                                      Date::from_ymd(2026, 11, 23), Date::from_ymd(2026, 11, 24));
    save("minute_kline", source_->minute_bars(minute));
  }

 protected:
  std::unique_ptr<sources::SimulatorSource> source_;
  std::unique_ptr<services::PaperBroker> broker_;  // before the routes that use it
  gateway::RouteRegistry registry_;
  TestUsers access_;
  std::unique_ptr<gateway::Router> router_;
};

}  // namespace mystocks::api::test
