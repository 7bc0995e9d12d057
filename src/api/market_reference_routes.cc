// Reference data: GET /api/v1/market/symbols (filtered, searched, paginated; CSV on Accept),
// /api/v1/market/symbols/{symbol}, /api/v1/market/calendar and
// /api/v1/market/indices/{symbol}/constituents.
#include <algorithm>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/market_common.h"
#include "api/market_routes.h"
#include "api/route_prelude.h"
#include "core/row_json.h"
#include "core/timestamp.h"

namespace mystocks::api {
namespace {

using storage::Filter;
using storage::FilterOp;

constexpr int64_t kDefaultPageSize = 50;
constexpr int64_t kMaxPageSize = 500;
constexpr int64_t kMaxCalendarDays = 3660;

const storage::TableSchema& table(const MarketApi& api, std::string_view name) {
  return **api.catalog->find(name);  // tables.yaml declares every table the API reads
}

// q: digits match a code prefix ("6005" -> 600519.SH), anything else a name substring.
Filter search_filter(const std::string& q) {
  const bool code = std::all_of(q.begin(), q.end(), [](char c) { return c >= '0' && c <= '9'; });
  return code ? Filter{"symbol", FilterOp::kStartsWith, {q}}
              : Filter{"name", FilterOp::kContains, {q}};
}

ApiReply list_symbols(const MarketApi& api, const HttpRequest& http) {
  std::vector<Filter> filters;
  for (const char* column : {"exchange", "board", "industry", "security_type"}) {
    if (std::optional<std::string> value = string_param(http, column)) {
      filters.push_back(storage::eq(column, *value));
    }
  }
  if (std::optional<std::string> q = string_param(http, "q")) filters.push_back(search_filter(*q));
  const int64_t page = int_param(http, "page").value_or(1);
  const int64_t size = int_param(http, "size").value_or(kDefaultPageSize);
  Result<RecordBatch> keys = api.data->load("symbols", {.columns = {"symbol"}, .filters = filters});
  if (!keys.is_ok()) return ApiReply::fail(keys.status());
  const auto total = static_cast<int64_t>(keys->num_rows());
  Result<RecordBatch> rows =
      api.data->load("symbols", {.filters = std::move(filters),
                                 .order_by = {{"symbol", storage::SortOrder::kAscending}},
                                 .limit = size,
                                 .offset = (page - 1) * size});
  if (!rows.is_ok()) return ApiReply::fail(rows.status());
  if (wants_csv(http)) {
    ApiReply reply = csv_reply(*rows);
    reply.raw->set_header("X-Total-Count", std::to_string(total));
    return reply;
  }
  return ApiReply::page(rows_json(*rows), {.page = page, .size = size, .total = total});
}

RouteSpec symbols_route(const MarketApi& api) {
  const storage::TableSchema& symbols = table(api, "symbols");
  return RouteSpec{
      .method = gateway::HttpMethod::kGet,
      .path = "/api/v1/market/symbols",
      .version = "v1",
      .summary = "Securities master: filter, search and page through securities",
      .description =
          "Sorted by symbol. The envelope carries pagination {page, size, total, pages}. "
          "Accept: text/csv answers the page as CSV with X-Total-Count.",
      .tags = {"market"},
      .resource = "reference",
      .action = "read",
      .params = {enum_param("exchange", {"SH", "SZ", "BJ"}, std::nullopt, "Exchange"),
                 enum_param("board", {"main", "chinext", "star", "bse"}, std::nullopt, "Board"),
                 enum_param("security_type", {"stock", "index", "etf", "fund", "bond"},
                            std::nullopt, "Security type"),
                 {.name = "industry",
                  .schema = json::object{{"type", "string"}, {"minLength", 1}, {"maxLength", 64}},
                  .description = "Industry name, exact (Shenwan level 1)"},
                 {.name = "q",
                  .schema = json::object{{"type", "string"}, {"minLength", 1}, {"maxLength", 32}},
                  .description =
                      "Search: digits match a code prefix (6005), other text a name substring"},
                 {.name = "page",
                  .schema = json::object{{"type", "integer"}, {"minimum", 1}, {"default", 1}},
                  .description = "Page number, from 1"},
                 {.name = "size",
                  .schema = json::object{{"type", "integer"},
                                         {"minimum", 1},
                                         {"maximum", kMaxPageSize},
                                         {"default", kDefaultPageSize}},
                  .description = "Page size"}},
      .response_schema = array_schema(row_schema(symbols)),
      .alternate_content_types = {"text/csv"},
      .response_example = json::array{json::object{{"symbol", "600519.SH"},
                                                   {"name", "贵州茅台"},
                                                   {"exchange", "SH"},
                                                   {"board", "main"},
                                                   {"security_type", "stock"},
                                                   {"industry", "食品饮料"},
                                                   {"list_date", "2001-08-27"},
                                                   {"status", "L"},
                                                   {"is_st", false}}},
      .cache_tables = {"symbols"},
      .handler = [api](const HttpRequest& http) { return list_symbols(api, http); },
  };
}

RouteSpec symbol_route(const MarketApi& api) {
  const storage::TableSchema& symbols = table(api, "symbols");
  return RouteSpec{
      .method = gateway::HttpMethod::kGet,
      .path = "/api/v1/market/symbols/{symbol}",
      .version = "v1",
      .summary = "One security of the securities master",
      .description = "404 (NOT_FOUND, field symbol) when the securities master does not list it.",
      .tags = {"market"},
      .resource = "reference",
      .action = "read",
      .params = {symbol_param("Security, e.g. 600519.SH", ParamLocation::kPath)},
      .response_schema = row_schema(symbols),
      .response_example = json::object{{"symbol", "600519.SH"},
                                       {"name", "贵州茅台"},
                                       {"exchange", "SH"},
                                       {"board", "main"},
                                       {"security_type", "stock"},
                                       {"status", "L"}},
      .cache_tables = {"symbols"},
      .handler =
          [api](const HttpRequest& http) {
            const std::string symbol = *string_param(http, "symbol");
            Result<RecordBatch> rows = api.data->load("symbols", {.symbols = {symbol}, .limit = 1});
            if (!rows.is_ok()) return ApiReply::fail(rows.status());
            if (rows->num_rows() == 0) {
              return ApiReply::fail(field_error(ErrorCode::kNotFound, "symbol",
                                                "symbol '{}' is not in the securities master",
                                                symbol));
            }
            return ApiReply::ok(row_json(*rows, 0));
          },
  };
}

RouteSpec calendar_route(const MarketApi& api) {
  const storage::TableSchema& calendar = table(api, "trade_calendar");
  return RouteSpec{
      .method = gateway::HttpMethod::kGet,
      .path = "/api/v1/market/calendar",
      .version = "v1",
      .summary = "Trading calendar of an exchange",
      .description =
          "Every calendar day in the range (open_only=true: trading days only). "
          "Default range: the last 366 days up to today; at most 3660 days.",
      .tags = {"market"},
      .resource = "reference",
      .action = "read",
      .params = {enum_param("exchange", {"SH", "SZ", "BJ"}, "SH", "Exchange"),
                 time_param("start", "First date, inclusive"),
                 time_param("end", "Last date, inclusive; default today"),
                 {.name = "open_only",
                  .schema = json::object{{"type", "boolean"}, {"default", false}},
                  .description = "Only trading days"}},
      .response_schema = array_schema(row_schema(calendar)),
      .response_example = json::array{json::object{{"exchange", "SH"},
                                                   {"trade_date", "2024-01-31"},
                                                   {"is_open", true},
                                                   {"pre_trade_date", "2024-01-30"}}},
      .cache_tables = {"trade_calendar"},
      .cache_ttl_ms = 60'000,  // the default range is relative to today
      .handler =
          [api](const HttpRequest& http) {
            Result<TimeWindow> window =
                read_window(http, *api.clock, kMaxCalendarDays, "the calendar");
            if (!window.is_ok()) return ApiReply::fail(window.status());
            services::LoadQuery query{
                .filters = {storage::eq("exchange", *string_param(http, "exchange"))},
                .order_by = {{"trade_date", storage::SortOrder::kAscending}}};
            query.range = {.start = window->start.value_or(window->end - 366 * kMillisPerDay),
                           .end = window->end};
            const json::value* open_only = http.params.if_contains("open_only");
            if (open_only != nullptr && open_only->is_bool() && open_only->get_bool()) {
              query.filters.push_back(storage::eq("is_open", true));
            }
            Result<RecordBatch> rows = api.data->load("trade_calendar", query);
            if (!rows.is_ok()) return ApiReply::fail(rows.status());
            return ApiReply::ok(rows_json(*rows));
          },
  };
}

RouteSpec constituents_route(const MarketApi& api) {
  return RouteSpec{
      .method = gateway::HttpMethod::kGet,
      .path = "/api/v1/market/indices/{symbol}/constituents",
      .version = "v1",
      .summary = "Constituents and weights of an index",
      .description =
          "The constituents on the newest rebalancing date on or before `date` "
          "(default: the newest). 404 when the index has no constituents stored.",
      .tags = {"market"},
      .resource = "reference",
      .action = "read",
      .params = {symbol_param("Index, e.g. 000300.SH (SH indices need the suffix)",
                              ParamLocation::kPath),
                 time_param("date", "Rebalancing date to look up (the newest on or before it)")},
      .response_schema = object_schema(
          {{"index", {{"type", "string"}}},
           {"trade_date", {{"type", "string"}, {"format", "date"}}},
           {"constituents",
            array_schema(row_schema(table(api, "index_constituents"), {"symbol", "weight"}))}}),
      .response_example =
          json::object{{"index", "000300.SH"},
                       {"trade_date", "2024-01-02"},
                       {"constituents",
                        json::array{json::object{{"symbol", "600519.SH"}, {"weight", 5.21}}}}},
      .cache_tables = {"index_constituents"},
      .handler =
          [api](const HttpRequest& http) {
            const std::string index = *string_param(http, "symbol");
            services::LoadQuery newest{
                .columns = {"trade_date"},
                .filters = {storage::eq("index_symbol", index)},
                .order_by = {{"trade_date", storage::SortOrder::kDescending}},
                .limit = 1};
            if (std::optional<int64_t> date = int_param(http, "date")) {
              newest.filters.push_back(
                  storage::cmp("trade_date", FilterOp::kLe, int64_t{shanghai_date(*date).days}));
            }
            Result<RecordBatch> dates = api.data->load("index_constituents", newest);
            if (!dates.is_ok()) return ApiReply::fail(dates.status());
            if (dates->num_rows() == 0) {
              return ApiReply::fail(field_error(
                  ErrorCode::kNotFound, "symbol", "index '{}' has no constituents stored{}", index,
                  http.params.contains("date") ? " on or before that date" : ""));
            }
            const int32_t day = dates->column(0).as<int32_t>()[0];
            Result<RecordBatch> rows = api.data->load(
                "index_constituents", {.columns = {"symbol", "weight"},
                                       .filters = {storage::eq("index_symbol", index),
                                                   storage::eq("trade_date", int64_t{day})},
                                       .order_by = {{"weight", storage::SortOrder::kDescending}}});
            if (!rows.is_ok()) return ApiReply::fail(rows.status());
            return ApiReply::ok(json::object{{"index", index},
                                             {"trade_date", Date{day}.to_string()},
                                             {"constituents", rows_json(*rows)}});
          },
  };
}

}  // namespace

Status register_market_reference_routes(gateway::RouteRegistry& registry, const MarketApi& api) {
  MYSTOCKS_RETURN_IF_ERROR(registry.add(symbols_route(api)));
  MYSTOCKS_RETURN_IF_ERROR(registry.add(symbol_route(api)));
  MYSTOCKS_RETURN_IF_ERROR(registry.add(calendar_route(api)));
  return registry.add(constituents_route(api));
}

}  // namespace mystocks::api
