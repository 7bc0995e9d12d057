// GET /api/v1/market/kline (rows; deprecated in favour of v2) and GET /api/v2/market/kline
// (columns as arrays, or CSV with format=csv / Accept: text/csv).
// One RouteSpec per route (kline_rows_route, kline_columns_route); the handlers read parameters,
// ask services::MarketQuery for the bars and serialise them.
#include "api/market_common.h"
#include "api/market_routes.h"
#include "api/route_prelude.h"
#include "core/json_text.h"
#include "core/row_json.h"

namespace mystocks::api {
namespace {

using services::Adjust;
using services::BarQuery;
using services::Bars;
using services::KlineInterval;

constexpr int64_t kDefaultLimit = 500;
constexpr int64_t kMaxLimit = 5000;
// A ranged request (with start) is answered whole: the span maxima bound it to fewer bars than
// this (the most is 1m over 31 days, 31 x 240 = 7,440).
constexpr int64_t kRangeBars = 10000;

std::vector<gateway::ParamSpec> kline_params() {
  return {
      symbol_param("Security, e.g. 600519.SH, 600519 or sh600519"),
      enum_param("interval", {"1m", "5m", "15m", "30m", "60m", "1d", "1w", "1M"}, "1d",
                 "Bar interval. 1m..60m come from the time-series store (5m..60m resampled from 1m "
                 "when not stored), 1d from daily_kline, 1w/1M are resampled from daily bars."),
      time_param("start",
                 "First bar time, inclusive (YYYY-MM-DD or epoch ms). With start every bar of "
                 "the range is returned (a range with more bars than an explicit `limit` is a "
                 "400, never cut); without start the newest `limit` bars up to end."),
      time_param("end",
                 "Last bar time, inclusive; a date covers the whole day. Default now. "
                 "Maximum span per request: 31 days (1m), 93 (5m), 186 (15m), 366 (30m, "
                 "60m), 10980 (1d, 1w, 1M); a longer range is a 400."),
      enum_param("adjust", {"none", "qfq", "hfq"}, "none",
                 "Price adjustment from daily_kline.adj_factor: qfq = price x factor / newest "
                 "factor, hfq = price x factor; rounded to 0.001. Volumes are not adjusted."),
      limit_param(kDefaultLimit, kMaxLimit,
                  "Without start: the newest bars to return. With start: the most bars the "
                  "caller accepts (more in the range is a 400)"),
  };
}

struct ParsedKline {
  BarQuery request;
  Status status;
  int64_t range_limit = 0;  // a ranged request's explicit limit; more bars than this is a 400
};

ParsedKline parse_request(const HttpRequest& http, const MarketApi& api) {
  ParsedKline parsed;
  BarQuery& request = parsed.request;
  request.symbol = *string_param(http, "symbol");
  Result<KlineInterval> interval = services::parse_kline_interval(*string_param(http, "interval"));
  Result<Adjust> adjust = services::parse_adjust(*string_param(http, "adjust"));
  if (!interval.is_ok()) return {request, interval.status()};
  if (!adjust.is_ok()) return {request, adjust.status()};
  request.interval = *interval;
  request.adjust = *adjust;
  request.limit = int_param(http, "limit").value_or(kDefaultLimit);
  Result<TimeWindow> window =
      read_window(http, *api.clock, services::max_span_days(request.interval),
                  fmt::format("interval '{}'", services::kline_interval_name(request.interval)));
  if (!window.is_ok()) return {request, window.status()};
  request.window = *window;
  if (request.window.start) {
    const bool explicit_limit = http.query_param("limit") != nullptr;
    parsed.range_limit = explicit_limit ? request.limit : 0;
    request.limit = explicit_limit ? request.limit + 1 : kRangeBars;  // +1: tells "more" apart
  }
  return parsed;
}

// The bars of a parsed request, or a 400 when a range holds more than its explicit limit.
Result<Bars> load_bars(const MarketApi& api, const ParsedKline& parsed) {
  Result<Bars> bars = api.market->bars(parsed.request);
  if (bars.is_ok() && parsed.range_limit > 0 &&
      static_cast<int64_t>(bars->size()) > parsed.range_limit) {
    return field_error(ErrorCode::kOutOfRange, "limit",
                       "the range from start to end holds more than limit={} bars: omit limit "
                       "to get the whole range, raise it (up to {}), or narrow the range",
                       parsed.range_limit, kMaxLimit);
  }
  return bars;
}

json::object header(const BarQuery& request) {
  return json::object{{"symbol", request.symbol},
                      {"interval", services::kline_interval_name(request.interval)},
                      {"adjust", services::adjust_name(request.adjust)}};
}

// The header object's text, left open for more members: bars are written straight from their
// columns, never through a JSON tree (a 250-bar answer is the hot path).
std::string open_header(const BarQuery& request) {
  std::string text = to_json_text(header(request));
  text.back() = ',';
  return text;
}

json::object bar_properties() {
  return json::object{{"ts",
                       {{"type", "integer"},
                        {"description",
                         "bar start, epoch ms UTC (daily and longer: "
                         "Asia/Shanghai midnight of the first trading day)"}}},
                      {"open", {{"type", "number"}}},
                      {"high", {{"type", "number"}}},
                      {"low", {{"type", "number"}}},
                      {"close", {{"type", "number"}}},
                      {"volume", {{"type", "integer"}, {"description", "shares"}}},
                      {"amount", {{"type", "number"}, {"description", "turnover, yuan"}}},
                      {"final",
                       {{"type", "boolean"},
                        {"description",
                         "false for a provisional bar: its session is still trading (today's "
                         "daily bar stored before the 15:00 close, or a week or month holding "
                         "it); it is replaced by the final bar once an ingest runs after the "
                         "close. Intraday bars are always final."}}}};
}

json::object header_properties() {
  return json::object{{"symbol", {{"type", "string"}}},
                      {"interval", {{"type", "string"}}},
                      {"adjust", {{"type", "string"}}}};
}

const json::object kExampleBar{{"ts", 1706630400000},    {"open", 1650.5},   {"high", 1688},
                               {"low", 1645.01},         {"close", 1685.12}, {"volume", 3125400},
                               {"amount", 5237158123.5}, {"final", true}};

// Cache policy: intraday bars come from minute_kline (adjusted by daily_kline's factors), the
// rest from daily_kline; the symbol is checked against the securities master (symbols). Reads
// the raw query: it runs before validation (a bad interval is a 400 and never cached).
std::vector<std::string> kline_cache_tables(const HttpRequest& http) {
  const std::string* interval = http.query_param("interval");
  if (interval != nullptr && interval->ends_with('m')) {
    return {"minute_kline", "daily_kline", "symbols"};
  }
  return {"daily_kline", "symbols"};
}

// "end" defaults to now: an answer may change when the day rolls over without a write.
constexpr int64_t kKlineCacheTtlMs = 60'000;

// v1: {symbol, interval, adjust, bars: [{ts, open, ...}]} or CSV.
ApiReply answer_kline_rows(const MarketApi& api, const HttpRequest& http) {
  ParsedKline parsed = parse_request(http, api);
  if (!parsed.status.is_ok()) return ApiReply::fail(parsed.status);
  Result<Bars> bars = load_bars(api, parsed);
  if (!bars.is_ok()) return ApiReply::fail(bars.status());
  const RecordBatch batch = services::bars_to_batch(*bars);
  if (wants_csv(http)) return csv_reply(batch);
  std::string text = open_header(parsed.request);
  text += "\"bars\":";
  append_rows_json(text, batch);
  text += '}';
  return ApiReply::ok_text(std::move(text));
}

// v2: {symbol, interval, adjust, columns, count, data: {column: [...]}} or CSV.
ApiReply answer_kline_columns(const MarketApi& api, const HttpRequest& http) {
  ParsedKline parsed = parse_request(http, api);
  if (!parsed.status.is_ok()) return ApiReply::fail(parsed.status);
  Result<Bars> bars = load_bars(api, parsed);
  if (!bars.is_ok()) return ApiReply::fail(bars.status());
  const RecordBatch batch = services::bars_to_batch(*bars);
  if (string_param(http, "format") == "csv" || wants_csv(http)) return csv_reply(batch);
  std::string text = open_header(parsed.request);
  text += "\"columns\":[";
  for (size_t column_idx = 0; column_idx < batch.num_columns(); ++column_idx) {
    if (column_idx > 0) text += ',';
    append_json_string(text, batch.schema().field(column_idx).name);
  }
  text += fmt::format("],\"count\":{},\"data\":{{", batch.num_rows());
  for (size_t column_idx = 0; column_idx < batch.num_columns(); ++column_idx) {
    const Field& field = batch.schema().field(column_idx);
    if (column_idx > 0) text += ',';
    append_json_string(text, field.name);
    text += ':';
    append_column_json(text, field, batch.column(column_idx));
  }
  text += "}}";
  return ApiReply::ok_text(std::move(text));
}

RouteSpec kline_rows_route(const MarketApi& api) {
  json::object schema = header_properties();
  schema["bars"] = array_schema(object_schema(bar_properties()));
  json::object example = header(BarQuery{.symbol = "600519.SH"});
  example["bars"] = json::array{kExampleBar};
  return RouteSpec{
      .method = gateway::HttpMethod::kGet,
      .path = "/api/v1/market/kline",
      .version = "v1",
      .summary = "K-lines of one security as rows",
      .description =
          "Superseded by /api/v2/market/kline (columnar, CSV). Bars are oldest first. "
          "Also answers Accept: text/csv.",
      .tags = {"market"},
      .resource = "market",
      .action = "read",
      .params = kline_params(),
      .response_schema = object_schema(std::move(schema)),
      .alternate_content_types = {"text/csv"},
      .response_example = std::move(example),
      .deprecated = true,
      .successor = "/api/v2/market/kline",
      .etag = true,
      .cache_ttl_ms = kKlineCacheTtlMs,
      .cache_tables_for = kline_cache_tables,
      .handler = [api](const HttpRequest& http) { return answer_kline_rows(api, http); },
  };
}

RouteSpec kline_columns_route(const MarketApi& api) {
  std::vector<gateway::ParamSpec> params = kline_params();
  params.push_back(enum_param("format", {"json", "csv"}, "json",
                              "json: the envelope with columns as arrays; csv: a raw text/csv "
                              "body (header ts,open,high,low,close,volume,amount,final)."));
  json::object columns_schema;
  for (auto& [name, schema] : bar_properties()) {
    columns_schema[name] = array_schema(schema);
  }
  json::object schema = header_properties();
  schema["columns"] = array_schema(json::object{{"type", "string"}});
  schema["count"] = json::object{{"type", "integer"}};
  schema["data"] = object_schema(std::move(columns_schema));
  json::object example = header(BarQuery{.symbol = "600519.SH"});
  example["columns"] =
      json::array{"ts", "open", "high", "low", "close", "volume", "amount", "final"};
  example["count"] = 1;
  json::object example_data;
  for (const auto& [name, value] : kExampleBar) example_data[name] = json::array{value};
  example["data"] = std::move(example_data);
  return RouteSpec{
      .method = gateway::HttpMethod::kGet,
      .path = "/api/v2/market/kline",
      .version = "v2",
      .summary = "K-lines of one security as columns (arrays) or CSV",
      .description =
          "data.columns names the columns in order and data.data holds one array per "
          "column, all of length data.count, oldest bar first: "
          "pandas.DataFrame(body['data']['data']) gives the frame. format=csv or "
          "Accept: text/csv answers a raw text/csv body instead of the envelope.",
      .tags = {"market"},
      .resource = "market",
      .action = "read",
      .params = std::move(params),
      .response_schema = object_schema(std::move(schema)),
      .alternate_content_types = {"text/csv"},
      .response_example = std::move(example),
      .etag = true,
      .cache_ttl_ms = kKlineCacheTtlMs,
      .cache_tables_for = kline_cache_tables,
      .handler = [api](const HttpRequest& http) { return answer_kline_columns(api, http); },
  };
}

}  // namespace

Status register_market_kline_routes(gateway::RouteRegistry& registry, const MarketApi& api) {
  MYSTOCKS_RETURN_IF_ERROR(registry.add(kline_rows_route(api)));
  return registry.add(kline_columns_route(api));
}

}  // namespace mystocks::api
