// Market activity: GET /api/v1/market/ticks (CSV on Accept), /api/v1/market/quotes (latest of up
// to 500 securities or indices), /api/v1/market/depth (latest or a range of order-book snapshots)
// and /api/v1/market/fund-flow.
// One RouteSpec per route; reads go through services::MarketQuery.
#include "api/market_common.h"
#include "api/market_routes.h"
#include "api/route_prelude.h"
#include "core/json_text.h"
#include "core/row_json.h"

namespace mystocks::api {
namespace {

constexpr int64_t kMaxQuoteSymbols = 500;
constexpr int kDepthLevels = 10;

const storage::TableSchema& table(const MarketApi& api, std::string_view name) {
  return **api.catalog->find(name);
}

// Rows of a single-symbol ranged route; an empty answer for an unlisted symbol is a 404.
Result<RecordBatch> ranged_rows(const MarketApi& api, const HttpRequest& http,
                                const std::string& name, std::vector<std::string> columns,
                                int64_t max_days, int64_t default_limit) {
  const std::string symbol = *string_param(http, "symbol");
  Result<TimeWindow> window = read_window(http, *api.clock, max_days, "this route");
  if (!window.is_ok()) return window.status();
  Result<RecordBatch> rows =
      api.market->newest_in_window(name, {.columns = std::move(columns), .symbols = {symbol}},
                                   *window, int_param(http, "limit").value_or(default_limit));
  if (rows.is_ok() && rows->num_rows() == 0) {
    MYSTOCKS_RETURN_IF_ERROR(api.market->check_listed(symbol));
  }
  return rows;
}

json::object depth_snapshot(const RecordBatch& rows, size_t row) {
  json::array bids;
  json::array asks;
  for (int level = 1; level <= kDepthLevels; ++level) {
    for (auto [side, out] : {std::pair{"bid", &bids}, std::pair{"ask", &asks}}) {
      const std::string price_name = fmt::format("{}{}_price", side, level);
      const std::string volume_name = fmt::format("{}{}_volume", side, level);
      const Column* price = rows.column(price_name);
      const Column* volume = rows.column(volume_name);
      if (price == nullptr || volume == nullptr || price->is_null(row)) continue;
      const Field& price_field = rows.schema().field(*rows.schema().index_of(price_name));
      const Field& volume_field = rows.schema().field(*rows.schema().index_of(volume_name));
      out->push_back(json::object{{"price", cell_json(price_field, *price, row)},
                                  {"volume", cell_json(volume_field, *volume, row)}});
    }
  }
  return json::object{{"ts", rows.column("ts")->as<int64_t>()[row]},
                      {"bids", std::move(bids)},
                      {"asks", std::move(asks)}};
}

// {quotes: [row + source], missing: [symbol]}.
ApiReply answer_quotes(const MarketApi& api, const HttpRequest& http) {
  std::vector<std::string> symbols;
  for (const json::value& symbol : http.params.at("symbols").as_array()) {
    symbols.emplace_back(symbol.as_string());
  }
  Result<services::LatestQuotes> latest = api.market->latest_quotes(std::move(symbols));
  if (!latest.is_ok()) return ApiReply::fail(latest.status());
  json::array quotes;
  for (const services::SourcedRows& found : latest->found) {
    for (size_t row = 0; row < found.rows.num_rows(); ++row) {
      json::object entry = row_json(found.rows, row);
      entry["source"] = found.source;
      quotes.push_back(std::move(entry));
    }
  }
  json::array missing;
  for (const std::string& symbol : latest->missing) missing.emplace_back(symbol);
  return ApiReply::ok(json::object{{"quotes", std::move(quotes)}, {"missing", std::move(missing)}});
}

json::object level_schema() {
  return object_schema({{"price", {{"type", "number"}}}, {"volume", {{"type", "integer"}}}});
}

RouteSpec ticks_route(const MarketApi& api) {
  const storage::TableSchema& tick = table(api, "tick");
  return RouteSpec{
      .method = gateway::HttpMethod::kGet,
      .path = "/api/v1/market/ticks",
      .version = "v1",
      .summary = "Level-1 snapshots (ticks) of one security",
      .description =
          "Oldest first: the newest `limit` ticks in the range. At most 5 days per "
          "request. Accept: text/csv answers CSV.",
      .tags = {"market"},
      .resource = "market",
      .action = "read",
      .params = {symbol_param("Security"), time_param("start", "First tick time, inclusive"),
                 time_param("end", "Last tick time, inclusive; default now"),
                 limit_param(1000, 10000, "Newest ticks to return")},
      .response_schema = object_schema(
          {{"symbol", {{"type", "string"}}}, {"ticks", array_schema(row_schema(tick))}}),
      .alternate_content_types = {"text/csv"},
      .response_example =
          json::object{{"symbol", "600519.SH"},
                       {"ticks", json::array{json::object{{"ts", 1706664600000},
                                                          {"last", 1685.12},
                                                          {"volume", 1203400},
                                                          {"amount", 2021345678.5}}}}},
      .handler =
          [api](const HttpRequest& http) {
            Result<RecordBatch> rows = ranged_rows(api, http, "tick", {}, 5, 1000);
            if (!rows.is_ok()) return ApiReply::fail(rows.status());
            if (wants_csv(http)) return csv_reply(*rows);
            std::string text = "{\"symbol\":";
            append_json_string(text, *string_param(http, "symbol"));
            text += ",\"ticks\":";
            append_rows_json(text, *rows);
            text += '}';
            return ApiReply::ok_text(std::move(text));
          },
  };
}

RouteSpec quotes_route(const MarketApi& api) {
  const storage::TableSchema& quote = table(api, "realtime_quote");
  json::object quote_row = row_schema(quote);
  quote_row["properties"].as_object()["source"] = json::object{
      {"type", "string"}, {"enum", json::array{"realtime_quote", "tick", "index_quote"}}};
  return RouteSpec{
      .method = gateway::HttpMethod::kGet,
      .path = "/api/v1/market/quotes",
      .version = "v1",
      .summary = "Latest quote of up to 500 securities or indices",
      .description =
          "Securities from realtime_quote; a security without one falls back to its "
          "newest tick (source: tick). Indices (000300.SH, 399001.SZ, ...) from their "
          "newest index_quote snapshot (source: index_quote; no bid/ask or limits). "
          "Symbols with none of these are listed in `missing`.",
      .tags = {"market"},
      .resource = "market",
      .action = "read",
      .params = {{.name = "symbols",
                  .schema =
                      json::object{{"type", "string"},
                                   {"format", "symbol-list"},
                                   {"minItems", 1},
                                   {"maxItems", kMaxQuoteSymbols},
                                   {"examples", json::array{"600519.SH,000001.SZ,000300.SH"}}},
                  .required = true,
                  .description = "Comma-separated securities or indices, at most 500"}},
      .response_schema =
          object_schema({{"quotes", array_schema(std::move(quote_row))},
                         {"missing", array_schema(json::object{{"type", "string"}})}}),
      .response_example =
          json::object{{"quotes", json::array{json::object{{"symbol", "600519.SH"},
                                                           {"ts", 1706664600000},
                                                           {"last", 1685.12},
                                                           {"source", "realtime_quote"}}}},
                       {"missing", json::array{}}},
      .cache_tables = {"realtime_quote", "tick", "index_quote"},
      .cache_ttl_ms = 5'000,  // "latest" follows the market clock too
      .handler = [api](const HttpRequest& http) { return answer_quotes(api, http); },
  };
}

RouteSpec depth_route(const MarketApi& api) {
  json::object snapshot = object_schema({{"ts", {{"type", "integer"}}},
                                         {"bids", array_schema(level_schema())},
                                         {"asks", array_schema(level_schema())}});
  return RouteSpec{
      .method = gateway::HttpMethod::kGet,
      .path = "/api/v1/market/depth",
      .version = "v1",
      .summary = "Order-book depth (10 levels) of one security",
      .description =
          "Without start: the latest snapshot. With start: the newest `limit` "
          "snapshots in the range (at most 1 day), oldest first. Levels without a "
          "price are left out.",
      .tags = {"market"},
      .resource = "market_depth",
      .action = "read",
      .params = {symbol_param("Security"), time_param("start", "First snapshot time, inclusive"),
                 time_param("end", "Last snapshot time, inclusive; default now"),
                 limit_param(100, 1000, "Newest snapshots to return (with start)")},
      .response_schema = object_schema(
          {{"symbol", {{"type", "string"}}}, {"snapshots", array_schema(std::move(snapshot))}}),
      .response_example =
          json::object{
              {"symbol", "600519.SH"},
              {"snapshots",
               json::array{json::object{
                   {"ts", 1706664600000},
                   {"bids", json::array{json::object{{"price", 1685.1}, {"volume", 300}}}},
                   {"asks", json::array{json::object{{"price", 1685.2}, {"volume", 500}}}}}}}},
      .handler =
          [api](const HttpRequest& http) {
            const std::string symbol = *string_param(http, "symbol");
            Result<RecordBatch> rows = RecordBatch();
            if (http.params.contains("start")) {
              rows = ranged_rows(api, http, "order_book_depth", {}, 1, 100);
            } else {
              rows = api.market->newest_rows("order_book_depth", {symbol});
              if (rows.is_ok() && rows->num_rows() == 0) {
                Status known = api.market->check_listed(symbol);
                if (!known.is_ok()) return ApiReply::fail(known);
              }
            }
            if (!rows.is_ok()) return ApiReply::fail(rows.status());
            json::array snapshots;
            for (size_t row = 0; row < rows->num_rows(); ++row)
              snapshots.push_back(depth_snapshot(*rows, row));
            return ApiReply::ok(
                json::object{{"symbol", symbol}, {"snapshots", std::move(snapshots)}});
          },
  };
}

RouteSpec fund_flow_route(const MarketApi& api) {
  const storage::TableSchema& flow = table(api, "fund_flow");
  return RouteSpec{
      .method = gateway::HttpMethod::kGet,
      .path = "/api/v1/market/fund-flow",
      .version = "v1",
      .summary = "Daily money flow by order size of one security",
      .description = "Oldest first: the newest `limit` days in the range (at most 3660 days).",
      .tags = {"market"},
      .resource = "market",
      .action = "read",
      .params = {symbol_param("Security"), time_param("start", "First date, inclusive"),
                 time_param("end", "Last date, inclusive; default today"),
                 limit_param(250, 5000, "Newest days to return")},
      .response_schema = object_schema(
          {{"symbol", {{"type", "string"}}}, {"flows", array_schema(row_schema(flow))}}),
      .response_example =
          json::object{{"symbol", "600519.SH"},
                       {"flows", json::array{json::object{{"trade_date", "2024-01-31"},
                                                          {"main_net_inflow", 123456789.5},
                                                          {"net_inflow", 98765432.1}}}}},
      .cache_tables = {"fund_flow", "symbols"},
      .cache_ttl_ms = 60'000,  // the default range ends now
      .handler =
          [api](const HttpRequest& http) {
            Result<RecordBatch> rows = ranged_rows(api, http, "fund_flow", {}, 3660, 250);
            if (!rows.is_ok()) return ApiReply::fail(rows.status());
            return ApiReply::ok(json::object{{"symbol", *string_param(http, "symbol")},
                                             {"flows", rows_json(*rows)}});
          },
  };
}

}  // namespace

Status register_market_quote_routes(gateway::RouteRegistry& registry, const MarketApi& api) {
  MYSTOCKS_RETURN_IF_ERROR(registry.add(ticks_route(api)));
  MYSTOCKS_RETURN_IF_ERROR(registry.add(quotes_route(api)));
  MYSTOCKS_RETURN_IF_ERROR(registry.add(depth_route(api)));
  return registry.add(fund_flow_route(api));
}

}  // namespace mystocks::api
