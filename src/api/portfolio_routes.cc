#include "api/portfolio_routes.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/market_common.h"
#include "api/route_prelude.h"
#include "api/route_support.h"
#include "api/time_filters.h"

namespace mystocks::api {
namespace {

ApiReply list_trades(const MarketApi& api, const HttpRequest& request) {
  Result<std::string> user = user_id_of(request);
  if (!user.is_ok()) return ApiReply::fail(user.status());
  std::vector<storage::Filter> filters = {storage::eq("account_id", *user)};
  for (const char* name : {"symbol", "order_id"}) {
    if (std::optional<std::string> value = string_param(request, name)) {
      filters.push_back(storage::eq(name, *value));
    }
  }
  Result<std::vector<storage::Filter>> range = time_range_filters(request, "trade_time");
  if (!range.is_ok()) return ApiReply::fail(range.status());
  filters.insert(filters.end(), range->begin(), range->end());
  const Page page = page_of(request);
  Result<int64_t> total = api.data->count("trades", filters);
  if (!total.is_ok()) return ApiReply::fail(total.status());
  services::LoadQuery query;
  query.filters = std::move(filters);
  query.order_by = {{"trade_time", storage::SortOrder::kDescending},
                    {"trade_id", storage::SortOrder::kDescending}};
  query.limit = page.size;
  query.offset = page.offset();
  Result<RecordBatch> rows = api.data->load("trades", query);
  if (!rows.is_ok()) return ApiReply::fail(rows.status());
  return ApiReply::page(rows_json(*rows), {page.page, page.size, *total});
}

std::vector<ParamSpec> trade_params() {
  std::vector<ParamSpec> params = {
      {.name = "symbol", .schema = json::object{{"type", "string"}, {"format", "symbol"}}},
      {.name = "order_id",
       .schema = json::object{{"type", "string"}, {"minLength", 1}, {"maxLength", 64}},
       .description = "fills of this order"},
      {.name = "start",
       .schema = json::object{{"type", "string"}, {"format", "date-or-epoch-ms"}},
       .description = "traded at or after (a date: its Asia/Shanghai midnight)"},
      {.name = "end",
       .schema = json::object{{"type", "string"}, {"format", "date-or-epoch-ms"}},
       .description = "traded up to: a date covers its whole day, an instant is inclusive"},
  };
  for (ParamSpec& spec : page_params(50, 500)) params.push_back(std::move(spec));
  return params;
}

}  // namespace

Status register_portfolio_routes(gateway::RouteRegistry& registry, const MarketApi& api,
                                 services::PaperBroker& broker) {
  const storage::TableSchema& trades = **api.catalog->find("trades");
  const storage::TableSchema& positions = **api.catalog->find("positions");
  const storage::TableSchema& funds = **api.catalog->find("account_funds");
  MYSTOCKS_RETURN_IF_ERROR(registry.add(RouteSpec{
      .method = HttpMethod::kGet,
      .path = "/api/v1/trades",
      .version = "v1",
      .summary = "The caller's paper fills, newest first",
      .description = "One row per fill with its fees (commission, stamp duty on sells, transfer "
                     "fee). start/end follow the K-line rule: a date end covers its whole day.",
      .tags = {"orders"},
      .resource = "portfolio",
      .action = "read",
      .params = trade_params(),
      .response_schema = array_schema(row_schema(trades)),
      .handler = [api](const HttpRequest& request) { return list_trades(api, request); },
  }));
  MYSTOCKS_RETURN_IF_ERROR(registry.add(RouteSpec{
      .method = HttpMethod::kGet,
      .path = "/api/v1/positions",
      .version = "v1",
      .summary = "The caller's paper positions, by symbol",
      .description = "available_quantity is what can be sold today: shares bought today become "
                     "sellable on the next trading day (T+1), shares reserved by open sells are "
                     "frozen_quantity. Valued at each symbol's last fill price.",
      .tags = {"orders"},
      .resource = "portfolio",
      .action = "read",
      .response_schema = array_schema(row_schema(positions)),
      .handler =
          [&broker](const HttpRequest& request) {
            Result<std::string> user = user_id_of(request);
            if (!user.is_ok()) return ApiReply::fail(user.status());
            Result<RecordBatch> rows = broker.positions(*user);
            if (!rows.is_ok()) return ApiReply::fail(rows.status());
            return ApiReply::ok(rows_json(*rows));
          },
  }));
  return registry.add(RouteSpec{
      .method = HttpMethod::kGet,
      .path = "/api/v1/account",
      .version = "v1",
      .summary = "The caller's paper account: cash, frozen cash, market value, fees, P&L",
      .description = "Opened with paper.initial_cash_yuan on first use. total_assets = cash + "
                     "market_value = initial_capital + realized_pnl + unrealized_pnl, valued at "
                     "the last fill prices (fees are part of the cost).",
      .tags = {"orders"},
      .resource = "portfolio",
      .action = "read",
      .response_schema = row_schema(funds),
      .handler =
          [&broker](const HttpRequest& request) {
            Result<std::string> user = user_id_of(request);
            if (!user.is_ok()) return ApiReply::fail(user.status());
            Result<RecordBatch> row = broker.account(*user);
            if (!row.is_ok()) return ApiReply::fail(row.status());
            return ApiReply::ok(row_json(*row, 0));
          },
  });
}

}  // namespace mystocks::api
