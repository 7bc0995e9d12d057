// One RouteSpec per route (registry_route, compute_route, batch_route); the computation is
// services::compute_indicator_series, serialised by indicator_compute.h.
#include "api/indicator_routes.h"

#include <set>

#include "api/indicator_compute.h"
#include "api/route_prelude.h"
#include "api/route_support.h"
#include "indicators/ohlcv.h"

namespace mystocks::api {
namespace {

using services::IndicatorQuery;
using services::kMaxIndicatorBars;
using services::kMaxWarmupBars;

// Query parameters every computation takes; indicator parameters may not reuse these names.
const std::set<std::string, std::less<>> kFixedParams = {"symbol", "interval", "start",     "end",
                                                         "limit",  "warmup",   "convention"};

json::array interval_enum() {
  json::array out;
  for (const std::string& interval : indicator_intervals()) out.push_back(json::value(interval));
  return out;
}

json::object describe(const indicators::IndicatorSpec& spec) {
  json::array aliases;
  for (std::string_view alias : spec.aliases) aliases.push_back(json::value(alias));
  json::array inputs;
  for (indicators::Field field :
       {indicators::Field::kOpen, indicators::Field::kHigh, indicators::Field::kLow,
        indicators::Field::kClose, indicators::Field::kVolume, indicators::Field::kAmount}) {
    if ((spec.inputs & indicators::field_bit(field)) != 0) {
      inputs.push_back(json::value(indicators::field_name(field)));
    }
  }
  json::array params;
  for (const indicators::ParamSpec& param : spec.params) {
    const bool integer = param.type == indicators::ParamType::kInteger;
    json::object entry{{"name", param.name},
                       {"type", integer ? "integer" : "number"},
                       {"description", param.description}};
    if (integer) {
      entry["default"] = static_cast<int64_t>(param.default_value);
      entry["minimum"] = static_cast<int64_t>(param.min_value);
      entry["maximum"] = static_cast<int64_t>(param.max_value);
    } else {
      entry["default"] = param.default_value;
      entry["minimum"] = param.min_value;
      entry["maximum"] = param.max_value;
    }
    params.push_back(std::move(entry));
  }
  json::array outputs;
  for (std::string_view output : spec.outputs) outputs.push_back(json::value(output));
  return json::object{
      {"name", spec.name},           {"aliases", std::move(aliases)},
      {"title", spec.title},         {"description", spec.description},
      {"inputs", std::move(inputs)}, {"convention_sensitive", spec.convention_sensitive},
      {"params", std::move(params)}, {"outputs", std::move(outputs)}};
}

// Every indicator parameter name, with the indicators taking it, as optional query parameters.
std::vector<ParamSpec> indicator_param_specs() {
  std::map<std::string, std::string> users;
  for (const indicators::IndicatorSpec& spec : indicators::all_indicators()) {
    for (const indicators::ParamSpec& param : spec.params) {
      if (kFixedParams.contains(param.name)) continue;  // registry_test keeps names apart
      std::string& list = users[std::string(param.name)];
      list += (list.empty() ? "" : ", ") + std::string(spec.name);
    }
  }
  std::vector<ParamSpec> specs;
  for (const auto& [name, list] : users) {
    specs.push_back({.name = name,
                     .schema = json::object{{"type", "number"}},
                     .description = "indicator parameter, taken by: " + list +
                                    " (see GET /api/v1/indicators for defaults and ranges)"});
  }
  return specs;
}

Result<TimestampMs> time_of(const json::value& value, const std::string& field) {
  if (value.is_int64()) return value.as_int64();
  if (value.is_string()) return parse_timestamp(value.as_string(), field);
  return field_error(ErrorCode::kInvalidTimestamp, field,
                     "{} must be a date (YYYY-MM-DD) or epoch milliseconds", field);
}

json::value batch_schema() {
  json::object item{
      {"type", "object"},
      {"required", json::array{"indicator"}},
      {"additionalProperties", false},
      {"properties",
       {{"indicator", {{"type", "string"}}},
        {"symbol", {{"type", "string"}}},
        {"symbols",
         {{"type", "array"},
          {"minItems", 1},
          {"maxItems", kMaxIndicatorBatchItems},
          {"items", {{"type", "string"}}}}},
        // No enum: a bad interval fails only its item, like the other per-item parameters.
        {"interval",
         {{"type", "string"}, {"description", "1m, 5m, 15m, 30m, 60m, 1d (default), 1w or 1M"}}},
        {"start", {{"type", json::array{"string", "integer"}}}},
        {"end", {{"type", json::array{"string", "integer"}}}},
        {"limit", {{"type", "integer"}, {"minimum", 1}, {"maximum", kMaxIndicatorBars}}},
        {"warmup", {{"type", "integer"}, {"minimum", 0}, {"maximum", kMaxWarmupBars}}},
        {"convention", {{"type", "string"}, {"enum", json::array{"ta_lib", "china_broker"}}}},
        {"params", {{"type", "object"}}}}}};
  return json::object{{"type", "object"},
                      {"required", json::array{"items"}},
                      {"additionalProperties", false},
                      {"properties",
                       {{"items",
                         {{"type", "array"},
                          {"minItems", 1},
                          {"maxItems", kMaxIndicatorBatchItems},
                          {"items", std::move(item)}}}}}};
}

json::object error_json(const Status& status) {
  return json::object{{"code", error_name(status.code())},
                      {"field", status.field()},
                      {"message", status.message()}};
}

ApiReply compute_one(const MarketApi& api, const HttpRequest& request) {
  IndicatorQuery call;
  call.indicator = request.path_params.at("name");
  call.symbol = *string_param(request, "symbol");
  call.interval = *string_param(request, "interval");
  call.convention = *string_param(request, "convention");
  call.limit = *int_param(request, "limit");
  call.warmup = int_param(request, "warmup");
  call.start = int_param(request, "start");
  call.end = int_param(request, "end");
  for (const auto& [name, value] : request.params) {
    if (kFixedParams.contains(name) || !value.is_number()) continue;
    call.params[std::string(name)] = value.to_number<double>();
  }
  Result<json::object> result = compute_indicator_json(api, call);
  if (!result.is_ok()) return ApiReply::fail(result.status());
  return ApiReply::ok(std::move(*result));
}

// One batch item read into a computation; `status` holds what makes the whole item fail (a bad
// time, a non-numeric parameter, no symbol) while its symbols still get an error entry each.
struct BatchItem {
  IndicatorQuery query;
  std::vector<std::string> symbols;
  Status status;
};

BatchItem read_batch_item(const json::object& item, const std::string& where) {
  BatchItem out;
  IndicatorQuery& call = out.query;
  call.indicator = std::string(item.at("indicator").as_string());
  if (const json::value* v = item.if_contains("interval")) call.interval = v->as_string();
  if (const json::value* v = item.if_contains("convention")) call.convention = v->as_string();
  if (const json::value* v = item.if_contains("limit")) call.limit = json_int64(*v);
  if (const json::value* v = item.if_contains("warmup")) call.warmup = json_int64(*v);
  for (const char* key : {"start", "end"}) {
    const json::value* v = item.if_contains(key);
    if (v == nullptr || !out.status.is_ok()) continue;
    Result<TimestampMs> time = time_of(*v, where + "." + key);
    if (!time.is_ok())
      out.status = time.status();
    else
      (std::string_view(key) == "start" ? call.start : call.end) = *time;
  }
  if (const json::value* params = item.if_contains("params")) {
    for (const auto& [name, value] : params->as_object()) {
      if (!value.is_number() && out.status.is_ok()) {
        out.status = field_error(ErrorCode::kInvalidArgument,
                                 fmt::format("{}.params.{}", where, std::string_view(name)),
                                 "parameter '{}' must be a number", std::string_view(name));
      }
      if (value.is_number()) call.params[std::string(name)] = value.to_number<double>();
    }
  }
  if (const json::value* list = item.if_contains("symbols")) {
    for (const json::value& symbol : list->as_array()) {
      out.symbols.push_back(symbol.is_string() ? std::string(symbol.as_string()) : std::string());
    }
  } else if (const json::value* one = item.if_contains("symbol")) {
    out.symbols.push_back(std::string(one->as_string()));
  } else {
    if (out.status.is_ok()) {
      out.status = field_error(ErrorCode::kInvalidArgument, where + ".symbol",
                               "each item needs symbol or symbols");
    }
    out.symbols.push_back(std::string());
  }
  return out;
}

// {item, indicator, symbol, success, data | error} of one computation.
json::object batch_entry(const MarketApi& api, size_t item_idx, BatchItem& item,
                         const std::string& symbol) {
  json::object entry{{"item", static_cast<int64_t>(item_idx)},
                     {"indicator", item.query.indicator},
                     {"symbol", symbol}};
  item.query.symbol = symbol;
  Result<json::object> result = item.status.is_ok() ? compute_indicator_json(api, item.query)
                                                    : Result<json::object>(item.status);
  entry["success"] = result.is_ok();
  if (result.is_ok()) {
    entry["symbol"] = result->at("symbol");
    entry["data"] = std::move(*result);
  } else {
    entry["error"] = error_json(result.status());
  }
  return entry;
}

Status check_batch_size(const json::array& items) {
  int64_t count = 0;
  for (const json::value& item : items) {
    const json::value* symbols = item.as_object().if_contains("symbols");
    count += symbols != nullptr ? static_cast<int64_t>(symbols->as_array().size()) : 1;
  }
  if (count <= kMaxIndicatorBatchItems) return Status::ok();
  return field_error(ErrorCode::kInvalidArgument, "items",
                     "the batch asks for {} computations (indicator x symbol); at most {} are "
                     "allowed",
                     count, kMaxIndicatorBatchItems);
}

// Every item x symbol computed; one that fails is an error entry, never the whole batch.
ApiReply compute_batch(const MarketApi& api, const HttpRequest& request) {
  const json::array& items = request.body_json.as_object().at("items").as_array();
  if (Status size = check_batch_size(items); !size.is_ok()) return ApiReply::fail(size);
  json::array results;
  int64_t failed = 0;
  for (size_t item_idx = 0; item_idx < items.size(); ++item_idx) {
    BatchItem item =
        read_batch_item(items[item_idx].as_object(), fmt::format("items[{}]", item_idx));
    for (const std::string& symbol : item.symbols) {
      json::object entry = batch_entry(api, item_idx, item, symbol);
      if (!entry.at("success").as_bool()) ++failed;
      results.push_back(std::move(entry));
    }
  }
  const int64_t total = static_cast<int64_t>(results.size());
  return ApiReply::ok(
      json::object{
          {"results", std::move(results)}, {"succeeded", total - failed}, {"failed", failed}},
      failed == 0 ? "success" : fmt::format("{} of {} items failed", failed, total));
}

std::vector<ParamSpec> compute_params() {
  std::vector<ParamSpec> params = {
      {.name = "name",
       .in = ParamLocation::kPath,
       .schema = json::object{{"type", "string"}},
       .required = true,
       .description = "indicator name or alias, e.g. macd"},
      {.name = "symbol",
       .schema = json::object{{"type", "string"}, {"format", "symbol"}},
       .required = true,
       .description = "e.g. 600519.SH"},
      {.name = "interval",
       .schema = json::object{{"type", "string"}, {"enum", interval_enum()}, {"default", "1d"}},
       .description = "bar interval, as the K-lines: 1m..60m from minute_kline (resampled from "
                      "1m when not stored), 1d from daily_kline, 1w/1M resampled from daily "
                      "bars; unadjusted prices"},
      {.name = "start",
       .schema = json::object{{"type", "string"}, {"format", "date-or-epoch-ms"}},
       .description = "first bar (inclusive); absent: the last `limit` bars"},
      {.name = "end",
       .schema = json::object{{"type", "string"}, {"format", "date-or-epoch-ms"}},
       .description = "end of the range (exclusive); absent: now"},
      {.name = "limit",
       .schema = json::object{{"type", "integer"},
                              {"minimum", 1},
                              {"maximum", kMaxIndicatorBars},
                              {"default", 500}},
       .description = "bars returned when start is absent"},
      {.name = "warmup",
       .schema = json::object{{"type", "integer"}, {"minimum", 0}, {"maximum", kMaxWarmupBars}},
       .description = "earlier bars fed to the indicator but not returned; default: the "
                      "indicator's lookback (the bars it needs before every output is defined)"},
      {.name = "convention",
       .schema = json::object{{"type", "string"},
                              {"enum", json::array{"ta_lib", "china_broker"}},
                              {"default", "ta_lib"}},
       .description = "which published definition to follow where TA-Lib and brokers differ"},
  };
  for (ParamSpec& spec : indicator_param_specs()) params.push_back(std::move(spec));
  return params;
}

RouteSpec registry_route() {
  return RouteSpec{
      .method = HttpMethod::kGet,
      .path = "/api/v1/indicators",
      .version = "v1",
      .summary = "Every technical indicator with its parameters (defaults, ranges) and outputs",
      .tags = {"indicators"},
      .resource = "indicators",
      .action = "read",
      .response_schema = json::object{{"type", "array"}, {"items", {{"type", "object"}}}},
      .etag = true,
      .handler =
          [](const HttpRequest&) {
            json::array out;
            for (const indicators::IndicatorSpec& spec : indicators::all_indicators()) {
              out.push_back(describe(spec));
            }
            return ApiReply::ok(std::move(out));
          },
  };
}

RouteSpec compute_route(const MarketApi& api) {
  return RouteSpec{
      .method = HttpMethod::kGet,
      .path = "/api/v1/indicators/{name}",
      .version = "v1",
      .summary = "One indicator over one symbol's bars",
      .description =
          "Values are rounded to 4 decimals; null where the indicator is still "
          "undefined. 404 for an unknown indicator or symbol; 400 naming a parameter "
          "outside its range or not taken by the indicator.",
      .tags = {"indicators"},
      .resource = "indicators",
      .action = "read",
      .params = compute_params(),
      .response_schema = json::object{{"type", "object"}},
      .etag = true,
      .handler = [api](const HttpRequest& request) { return compute_one(api, request); },
  };
}

RouteSpec batch_route(const MarketApi& api) {
  return RouteSpec{
      .method = HttpMethod::kPost,
      .path = "/api/v1/indicators/batch",
      .version = "v1",
      .summary = "Several indicators over several symbols in one call",
      .description = fmt::format(
          "At most {} computations (indicator x symbol). Each result carries success and either "
          "data (as GET /api/v1/indicators/{{name}}) or error {{code, field, message}}.",
          kMaxIndicatorBatchItems),
      .tags = {"indicators"},
      .resource = "indicators",
      .action = "read",
      .request_schema = batch_schema(),
      .response_schema = json::object{{"type", "object"}},
      .rate_class = "heavy",
      .handler = [api](const HttpRequest& request) { return compute_batch(api, request); },
  };
}

}  // namespace

Status register_indicator_routes(gateway::RouteRegistry& registry, const MarketApi& api) {
  if (api.market == nullptr) {
    return error(ErrorCode::kFailedPrecondition, "indicator routes need a MarketQuery");
  }
  MYSTOCKS_RETURN_IF_ERROR(registry.add(registry_route()));
  MYSTOCKS_RETURN_IF_ERROR(registry.add(compute_route(api)));
  return registry.add(batch_route(api));
}

}  // namespace mystocks::api
