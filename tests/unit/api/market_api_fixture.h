// The market API test fixture: the stores of support/embedded_stores.h, seeded from the
// deterministic simulator (a few symbols: master, calendar, daily bars, 1-minute bars, ticks, some
// realtime quotes, fund flow, index constituents), the market routes in a registry and a Router to
// drive them, on a manual clock set to 2026-11-24 15:30 Asia/Shanghai (a Tuesday, after the close).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "api/market_routes.h"
#include "gateway/router.h"
#include "sources/simulator/simulator_source.h"
#include "support/assert_status.h"
#include "support/embedded_stores.h"

namespace mystocks::api::test {

struct Reply {
  gateway::HttpResponse http;
  boost::json::value body;  // parsed JSON body (null when not JSON)

  int status() const { return http.status; }
  std::string header(std::string_view name) const {
    for (const auto& [key, value] : http.headers) {
      if (key == name) return value;
    }
    return {};
  }
  const boost::json::value& data() const { return body.at("data"); }
  // "field:CODE" of every entry of errors[], for compact assertions.
  std::vector<std::string> errors() const {
    std::vector<std::string> out;
    if (!body.is_object() || !body.as_object().contains("errors")) return out;
    for (const auto& entry : body.at("errors").as_array()) {
      const auto& field = entry.at("field");
      out.push_back((field.is_string() ? std::string(field.as_string()) : std::string("null")) +
                    ":" + std::string(entry.at("code").as_string()));
    }
    return out;
  }
};

class MarketApiEnvironment : public mystocks::test::EmbeddedStores {
 public:
  static inline const TimestampMs kNow = shanghai_time(Date::from_ymd(2026, 11, 24), 15, 30);

  MarketApiEnvironment() : EmbeddedStores(kNow) {}

  // Opens the stores and seeds them. Symbols: the simulator's first `symbol_count` securities.
  void open(int symbol_count = 6) {
    ASSERT_NO_FATAL_FAILURE(open_stores("market_api_"));
    seed(symbol_count);
    MYSTOCKS_ASSERT_OK(register_market_routes(registry_, {.data = data_.get(),
                                                          .catalog = catalog_.get(),
                                                          .clock = &clock_,
                                                          .market = market_.get()}));
    router_ = std::make_unique<gateway::Router>(registry_, metrics_, clock_);
  }

  Reply get(std::string target,
            std::vector<std::pair<std::string, std::string>> headers = {}) const {
    gateway::HttpRequest request;
    request.target = std::move(target);
    request.headers = std::move(headers);
    request.remote_address = "127.0.0.1:5000";
    Reply reply{router_->handle(request), nullptr};
    boost::system::error_code ec;
    if (reply.http.content_type.starts_with("application/json")) {
      reply.body = boost::json::parse(reply.http.body, ec);
    }
    return reply;
  }

  void save(const std::string& table, const RecordBatch& batch) {
    Result<services::SaveReport> report = data_->save(table, batch);
    ASSERT_TRUE(report.is_ok()) << table << ": " << report.status().to_string();
  }

  const storage::TableSchema& table(std::string_view name) const { return **catalog_->find(name); }

  const std::vector<std::string>& symbols() const { return symbols_; }
  sources::SimulatorSource& source() { return *source_; }

  std::unique_ptr<sources::SimulatorSource> source_;
  gateway::RouteRegistry registry_;
  std::unique_ptr<gateway::Router> router_;

 private:
  void seed(int symbol_count) {
    Result<std::unique_ptr<sources::SimulatorSource>> source = sources::SimulatorSource::create(
        "sim", sources::SimulatorOptions{7, symbol_count}, catalog_, clock_);
    ASSERT_TRUE(source.is_ok()) << source.status().to_string();
    source_ = std::move(*source);
    const sources::Universe& universe = source_->simulator()->universe();
    std::vector<Symbol> stocks;
    for (uint32_t index : universe.sorted_securities()) {
      stocks.push_back(universe.securities()[index].symbol);
      symbols_.push_back(universe.securities()[index].canonical);
    }
    auto request = [&](std::vector<Symbol> which, Date from, Date to) {
      return sources::SourceRequest::range(std::move(which), from, to);
    };
    auto must = [](Result<RecordBatch> batch) {
      EXPECT_TRUE(batch.is_ok()) << batch.status().to_string();
      return batch.is_ok() ? std::move(batch).value() : RecordBatch();
    };
    const Date today = Date::from_ymd(2026, 11, 24);
    const Date year_start = Date::from_ymd(2026, 1, 1);
    save("symbols", must(source_->symbols(request({}, today, today))));
    sources::SourceRequest calendar = request({}, year_start, Date::from_ymd(2026, 12, 31));
    save("trade_calendar", must(source_->trade_calendar(calendar)));
    save("daily_kline", must(source_->daily_bars(request(stocks, year_start, today))));
    save("fund_flow",
         must(source_->fund_flow(request(stocks, Date::from_ymd(2026, 11, 1), today))));
    save("index_constituents", must(source_->index_components(request({}, year_start, today))));
    sources::SourceRequest minutes = request(stocks, Date::from_ymd(2026, 11, 23), today);
    save("minute_kline", must(source_->minute_bars(minutes)));
    save("tick", must(source_->ticks(request(stocks, today, today))));
    // Realtime quotes for the first half only: the others fall back to their newest tick.
    std::vector<Symbol> quoted(stocks.begin(),
                               stocks.begin() + static_cast<long>(stocks.size() / 2));
    save("realtime_quote", must(source_->realtime_quotes(request(quoted, today, today))));
  }

  std::vector<std::string> symbols_;
};

}  // namespace mystocks::api::test
