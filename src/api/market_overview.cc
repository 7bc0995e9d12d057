// GET /api/v1/market/overview: breadth of the stock market on one trading date (the newest
// stored by default): advancers, decliners, unchanged, limit-up and limit-down counts under
// each board's price-limit rule (core/trading_rules.h, the exchanges' rules), and
// total volume and turnover. Only securities the master lists as stocks count (not indices).
// A bar without a previous close (pre_close null or not positive) cannot be compared: it is
// counted in `without_pre_close`, never as unchanged or against a limit of zero.
#include <unordered_map>

#include <boost/json/object.hpp>

#include "api/market_common.h"
#include "api/market_routes.h"
#include "api/route_prelude.h"
#include "core/decimal.h"
#include "core/symbol.h"
#include "core/timestamp.h"
#include "core/trading_rules.h"

namespace mystocks::api {
namespace {

struct Breadth {
  int64_t stocks = 0, advancers = 0, decliners = 0, unchanged = 0, limit_up = 0, limit_down = 0;
  int64_t without_pre_close = 0;
  int64_t volume = 0;
  int64_t amount_units = 0;
  int amount_scale = 2;
};

// Prices to cents, the unit the limit rule rounds to.
int64_t cents(int64_t units, int scale) {
  Result<Decimal> rescaled = Decimal(units, scale).rescale(2);
  return rescaled.is_ok() ? rescaled->units() : 0;
}

Result<int32_t> overview_date(const MarketApi& api, const HttpRequest& http) {
  services::LoadQuery newest{.columns = {"trade_date"},
                             .order_by = {{"trade_date", storage::SortOrder::kDescending}},
                             .limit = 1};
  if (std::optional<int64_t> date = int_param(http, "date")) {
    newest.filters.push_back(
        storage::cmp("trade_date", storage::FilterOp::kLe, int64_t{shanghai_date(*date).days}));
  }
  Result<RecordBatch> dates = api.data->load("daily_kline", newest);
  if (!dates.is_ok()) return dates.status();
  if (dates->num_rows() == 0) {
    return field_error(ErrorCode::kNotFound, "date", "no daily K-lines are stored{}",
                       http.params.contains("date") ? " on or before that date" : "");
  }
  return dates->column(0).as<int32_t>()[0];
}

Result<Breadth> breadth_on(const MarketApi& api, int32_t day) {
  Result<RecordBatch> stocks = api.data->load(
      "symbols",
      {.columns = {"symbol", "is_st"}, .filters = {storage::eq("security_type", "stock")}});
  if (!stocks.is_ok()) return stocks.status();
  std::unordered_map<std::string, bool> is_st;
  for (size_t row = 0; row < stocks->num_rows(); ++row) {
    is_st[stocks->column(0).as<std::string>()[row]] = stocks->column(1).as<uint8_t>()[row] != 0;
  }
  Result<RecordBatch> bars = api.data->load(
      "daily_kline", {.columns = {"symbol", "close", "pre_close", "volume", "amount"},
                      .filters = {storage::eq("trade_date", int64_t{day})}});
  if (!bars.is_ok()) return bars.status();
  const Schema& schema = bars->schema();
  const int price_scale = schema.field(1).scale;
  Breadth breadth;
  breadth.amount_scale = schema.field(4).scale;
  const auto& symbols = bars->column(0).as<std::string>();
  const Column& close = bars->column(1);
  const Column& pre_close = bars->column(2);
  for (size_t row = 0; row < bars->num_rows(); ++row) {
    auto st = is_st.find(symbols[row]);
    if (st == is_st.end()) continue;
    ++breadth.stocks;
    breadth.volume += bars->column(3).as<int64_t>()[row];
    breadth.amount_units += bars->column(4).as<int64_t>()[row];
    const int64_t previous =
        pre_close.is_null(row) ? 0 : cents(pre_close.as<int64_t>()[row], price_scale);
    if (previous <= 0 || close.is_null(row)) {
      ++breadth.without_pre_close;
      continue;
    }
    const int64_t last = cents(close.as<int64_t>()[row], price_scale);
    if (last > previous)
      ++breadth.advancers;
    else if (last < previous)
      ++breadth.decliners;
    else
      ++breadth.unchanged;
    Result<Symbol> symbol = Symbol::parse(symbols[row]);
    if (!symbol.is_ok()) continue;
    const PriceLimits limits = price_limits(
        previous, limit_percent(board_of(*symbol), st->second));
    if (last >= limits.up) ++breadth.limit_up;
    if (last <= limits.down) ++breadth.limit_down;
  }
  return breadth;
}

}  // namespace

Status register_market_overview_route(gateway::RouteRegistry& registry, const MarketApi& api) {
  return registry.add(gateway::RouteSpec{
      .method = gateway::HttpMethod::kGet,
      .path = "/api/v1/market/overview",
      .version = "v1",
      .summary = "Market breadth and turnover on one trading date",
      .description = "Advancers, decliners and unchanged by close vs previous close; limit-up / "
                     "limit-down by each board's daily limit (main +/-10 %, ST +/-5 %, ChiNext and "
                     "STAR +/-20 %, BSE +/-30 %, limit price rounded half up to the cent). Stocks "
                     "only. A stock whose bar has no previous close (or no close) is counted in "
                     "without_pre_close and in no other bucket, so stocks = advancers + decliners "
                     "+ unchanged + without_pre_close. Default date: the newest stored trading "
                     "date.",
      .tags = {"market"},
      .resource = "market",
      .action = "read",
      .params = {time_param("date", "Trading date (the newest stored on or before it)")},
      .response_schema = object_schema(
          {{"trade_date", {{"type", "string"}, {"format", "date"}}},
           {"stocks", {{"type", "integer"}}},
           {"advancers", {{"type", "integer"}}},
           {"decliners", {{"type", "integer"}}},
           {"unchanged", {{"type", "integer"}}},
           {"limit_up", {{"type", "integer"}}},
           {"limit_down", {{"type", "integer"}}},
           {"without_pre_close",
            {{"type", "integer"},
             {"description", "stocks whose bar lacks pre_close: not compared, not in limits"}}},
           {"total_volume", {{"type", "integer"}, {"description", "shares"}}},
           {"total_amount", {{"type", "number"}, {"description", "turnover, yuan"}}}}),
      .response_example = json::object{{"trade_date", "2024-01-31"},
                                       {"stocks", 5321},
                                       {"advancers", 2310},
                                       {"decliners", 2856},
                                       {"unchanged", 155},
                                       {"limit_up", 41},
                                       {"limit_down", 12},
                                       {"without_pre_close", 0},
                                       {"total_volume", 61234567800},
                                       {"total_amount", 812345678901.23}},
      .cache_tables = {"daily_kline", "symbols"},
      .cache_ttl_ms = 60'000,
      .handler =
          [api](const HttpRequest& http) {
            Result<int32_t> day = overview_date(api, http);
            if (!day.is_ok()) return ApiReply::fail(day.status());
            Result<Breadth> breadth = breadth_on(api, *day);
            if (!breadth.is_ok()) return ApiReply::fail(breadth.status());
            return ApiReply::ok(
                json::object{{"trade_date", Date{*day}.to_string()},
                             {"stocks", breadth->stocks},
                             {"advancers", breadth->advancers},
                             {"decliners", breadth->decliners},
                             {"unchanged", breadth->unchanged},
                             {"limit_up", breadth->limit_up},
                             {"limit_down", breadth->limit_down},
                             {"without_pre_close", breadth->without_pre_close},
                             {"total_volume", breadth->volume},
                             {"total_amount",
                              Decimal(breadth->amount_units, breadth->amount_scale).to_double()}});
          },
  });
}

}  // namespace mystocks::api
