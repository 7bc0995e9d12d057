// GET /api/v2/market/snapshot: the market cross-section (services/market/market_snapshot.h), one
// row per symbol, as columns (the v2 K-line shape) or CSV. Parameters in, the service call,
// serialisation out.
#include "api/market_common.h"
#include "api/market_routes.h"
#include "api/route_prelude.h"
#include "core/json_text.h"
#include "core/row_json.h"
#include "services/market/market_snapshot.h"

namespace mystocks::api {
namespace {

// Every A-share listing fits: ~5,400 stocks today.
constexpr int64_t kMaxSnapshotSymbols = 10000;

std::vector<gateway::ParamSpec> snapshot_params() {
  return {
      enum_param("kind", {"quote", "daily"}, "quote",
                 "quote: the latest realtime quote of each security; daily: each security's "
                 "daily bar of one trading date (unadjusted)"),
      time_param("date",
                 "kind=daily: the trading date (YYYY-MM-DD or epoch ms, Asia/Shanghai date); "
                 "default the newest stored. Ignored for kind=quote"),
      {.name = "symbols",
       .schema = json::object{{"type", "string"},
                              {"format", "symbol-list"},
                              {"minItems", 1},
                              {"maxItems", kMaxSnapshotSymbols},
                              {"examples", json::array{"600519.SH,000001.SZ"}}},
       .description = "Comma-separated securities; default every security"},
      enum_param("board", services::snapshot_boards(), std::nullopt,
                 "Only this board of the securities master (main, chinext, star, bse)"),
      enum_param("exchange", services::snapshot_exchanges(), std::nullopt,
                 "Only this exchange (the symbol's suffix)"),
      enum_param("format", {"json", "csv"}, "json",
                 "json: the envelope with columns as arrays; csv: a raw text/csv body, one row "
                 "per symbol"),
  };
}

services::SnapshotRequest parse_request(const HttpRequest& http) {
  services::SnapshotRequest request;
  request.kind = string_param(http, "kind") == "daily" ? services::SnapshotKind::kDaily
                                                       : services::SnapshotKind::kQuote;
  if (std::optional<int64_t> date = int_param(http, "date")) request.date = shanghai_date(*date);
  if (const json::value* symbols = http.params.if_contains("symbols")) {
    for (const json::value& symbol : symbols->as_array()) {
      request.symbols.emplace_back(symbol.as_string());
    }
  }
  request.board = string_param(http, "board").value_or("");
  request.exchange = string_param(http, "exchange").value_or("");
  return request;
}

std::string snapshot_json(const services::SnapshotRequest& request,
                          const services::MarketSnapshot& snapshot) {
  std::string text = "{\"kind\":";
  text += request.kind == services::SnapshotKind::kDaily ? "\"daily\"" : "\"quote\"";
  text += ",\"date\":";
  if (snapshot.date) {
    append_json_string(text, snapshot.date->to_string());
  } else {
    text += "null";
  }
  text += ',';
  append_columns_json(text, snapshot.rows);
  text += ",\"missing\":[";
  for (size_t index = 0; index < snapshot.missing.size(); ++index) {
    if (index > 0) text += ',';
    append_json_string(text, snapshot.missing[index]);
  }
  text += "]}";
  return text;
}

json::object response_schema() {
  return object_schema(
      {{"kind", {{"type", "string"}, {"enum", json::array{"quote", "daily"}}}},
       {"date",
        {{"type", json::array{"string", "null"}},
         {"format", "date"},
         {"description", "kind=daily: the trading date answered; null for quotes"}}},
       {"columns", array_schema(json::object{{"type", "string"}})},
       {"count", {{"type", "integer"}}},
       {"data",
        {{"type", "object"},
         {"description",
          "one array per column, all of length count, ascending by symbol. quote: symbol, ts, "
          "last, open, high, low, pre_close, change, pct_change, volume, amount, "
          "turnover_rate, bid1_price, bid1_volume, ask1_price, ask1_volume, limit_up, "
          "limit_down; daily: symbol, trade_date, open, high, low, close, pre_close, change, "
          "pct_change, volume, amount, turnover_rate, final"}}},
       {"missing",
        {{"type", "array"},
         {"items", {{"type", "string"}}},
         {"description",
          "requested symbols without a row (no data, or outside the board/exchange filter)"}}}});
}

json::object response_example() {
  return json::object{{"kind", "daily"},
                      {"date", "2024-01-31"},
                      {"columns", json::array{"symbol", "close", "volume"}},
                      {"count", 2},
                      {"data", json::object{{"symbol", json::array{"000001.SZ", "600519.SH"}},
                                            {"close", json::array{9.41, 1685.12}},
                                            {"volume", json::array{98123400, 3125400}}}},
                      {"missing", json::array{}}};
}

// Cache policy: quotes from realtime_quote, daily bars from daily_kline; the board filter reads
// the securities master. Reads the raw query (it runs before validation).
std::vector<std::string> snapshot_cache_tables(const HttpRequest& http) {
  const std::string* kind = http.query_param("kind");
  const char* source = kind != nullptr && *kind == "daily" ? "daily_kline" : "realtime_quote";
  return {source, "symbols"};
}

}  // namespace

Status register_market_snapshot_route(gateway::RouteRegistry& registry, const MarketApi& api) {
  return registry.add(RouteSpec{
      .method = gateway::HttpMethod::kGet,
      .path = "/api/v2/market/snapshot",
      .version = "v2",
      .summary = "Cross-section: the latest quote or one day's bar of every security",
      .description = "One row per security, ascending by symbol, as columns (data.columns, "
                     "data.count, data.data: pandas.DataFrame(body['data']['data'])) or CSV "
                     "(format=csv or Accept: text/csv). Filters: symbols, board, exchange. Prices "
                     "are unadjusted exact decimals.",
      .tags = {"market"},
      .resource = "market",
      .action = "read",
      .params = snapshot_params(),
      .response_schema = response_schema(),
      .alternate_content_types = {"text/csv"},
      .response_example = response_example(),
      .rate_class = "heavy",  // a whole-market read
      .etag = true,
      .cache_ttl_ms = 5'000,  // "latest" follows the market clock
      .cache_tables_for = snapshot_cache_tables,
      .handler =
          [api](const HttpRequest& http) {
            const services::SnapshotRequest request = parse_request(http);
            Result<services::MarketSnapshot> snapshot =
                services::load_market_snapshot(*api.market, request);
            if (!snapshot.is_ok()) return ApiReply::fail(snapshot.status());
            if (string_param(http, "format") == "csv" || wants_csv(http)) {
              return csv_reply(snapshot->rows);
            }
            return ApiReply::ok_text(snapshot_json(request, *snapshot));
          },
  });
}

}  // namespace mystocks::api
