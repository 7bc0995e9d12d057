#include "api/indicator_routes.h"

#include <set>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/indicator_compute.h"
#include "api/route_support.h"
#include "indicators/ohlcv.h"

namespace mystocks::api {
namespace {

namespace json = boost::json;
using gateway::ApiReply;
using gateway::HttpMethod;
using gateway::HttpRequest;
using gateway::ParamLocation;
using gateway::ParamSpec;
using gateway::RouteSpec;

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
        {"interval", {{"type", "string"}, {"enum", interval_enum()}}},
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
  IndicatorRequest call;
  call.indicator = request.path_params.at("name");
  call.symbol = string_param(request, "symbol");
  call.interval = string_param(request, "interval", "1d");
  call.convention = string_param(request, "convention", "ta_lib");
  call.limit = int_param(request, "limit", 500);
  call.warmup = int_param(request, "warmup", 0);
  if (has_param(request, "start")) call.start = int_param(request, "start", 0);
  if (has_param(request, "end")) call.end = int_param(request, "end", 0);
  for (const auto& [name, value] : request.params) {
    if (kFixedParams.contains(name) || !value.is_number()) continue;
    call.params[std::string(name)] = value.to_number<double>();
  }
  Result<json::object> result = compute_indicator_json(api, call);
  if (!result.is_ok()) return ApiReply::fail(result.status());
  return ApiReply::ok(std::move(*result));
}

// The items of a batch body as computations; an item that cannot even be read is an error entry.
ApiReply compute_batch(const MarketApi& api, const HttpRequest& request) {
  const json::array& items = request.body_json.as_object().at("items").as_array();
  int64_t count = 0;
  for (const json::value& item : items) {
    const json::object& object = item.as_object();
    const json::value* symbols = object.if_contains("symbols");
    count += symbols != nullptr ? static_cast<int64_t>(symbols->as_array().size()) : 1;
  }
  if (count > kMaxIndicatorBatchItems) {
    return ApiReply::fail(field_error(ErrorCode::kInvalidArgument, "items",
                                      "the batch asks for {} computations (indicator x symbol); "
                                      "at most {} are allowed",
                                      count, kMaxIndicatorBatchItems));
  }
  json::array results;
  int64_t failed = 0;
  for (size_t item_idx = 0; item_idx < items.size(); ++item_idx) {
    const json::object& item = items[item_idx].as_object();
    const std::string where = fmt::format("items[{}]", item_idx);
    IndicatorRequest call;
    call.indicator = std::string(item.at("indicator").as_string());
    if (const json::value* v = item.if_contains("interval"))
      call.interval = std::string(v->as_string());
    if (const json::value* v = item.if_contains("convention"))
      call.convention = std::string(v->as_string());
    if (const json::value* v = item.if_contains("limit")) call.limit = json_int64(*v);
    if (const json::value* v = item.if_contains("warmup")) call.warmup = json_int64(*v);
    Status item_status;
    for (const char* key : {"start", "end"}) {
      const json::value* v = item.if_contains(key);
      if (v == nullptr) continue;
      Result<TimestampMs> time = time_of(*v, where + "." + key);
      if (!time.is_ok()) {
        item_status = time.status();
        break;
      }
      (std::string_view(key) == "start" ? call.start : call.end) = *time;
    }
    if (const json::value* params = item.if_contains("params")) {
      for (const auto& [name, value] : params->as_object()) {
        if (!value.is_number()) {
          item_status = field_error(ErrorCode::kInvalidArgument,
                                    fmt::format("{}.params.{}", where, std::string_view(name)),
                                    "parameter '{}' must be a number", std::string_view(name));
          break;
        }
        call.params[std::string(name)] = value.to_number<double>();
      }
    }
    std::vector<std::string> symbols;
    if (const json::value* list = item.if_contains("symbols")) {
      for (const json::value& symbol : list->as_array()) {
        symbols.push_back(symbol.is_string() ? std::string(symbol.as_string()) : std::string());
      }
    } else if (const json::value* one = item.if_contains("symbol")) {
      symbols.push_back(std::string(one->as_string()));
    } else if (item_status.is_ok()) {
      item_status = field_error(ErrorCode::kInvalidArgument, where + ".symbol",
                                "each item needs symbol or symbols");
      symbols.push_back(std::string());
    }
    for (const std::string& symbol : symbols) {
      json::object entry{{"item", static_cast<int64_t>(item_idx)},
                         {"indicator", call.indicator},
                         {"symbol", symbol}};
      call.symbol = symbol;
      Result<json::object> result = item_status.is_ok() ? compute_indicator_json(api, call)
                                                        : Result<json::object>(item_status);
      entry["success"] = result.is_ok();
      if (result.is_ok()) {
        entry["symbol"] = result->at("symbol");
        entry["data"] = std::move(*result);
      } else {
        ++failed;
        entry["error"] = error_json(result.status());
      }
      results.push_back(std::move(entry));
    }
  }
  const int64_t total = static_cast<int64_t>(results.size());
  return ApiReply::ok(
      json::object{
          {"results", std::move(results)}, {"succeeded", total - failed}, {"failed", failed}},
      failed == 0 ? "success" : fmt::format("{} of {} items failed", failed, total));
}

}  // namespace

Status register_indicator_routes(gateway::RouteRegistry& registry, const MarketApi& api) {
  MYSTOCKS_RETURN_IF_ERROR(registry.add(RouteSpec{
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
  }));

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
       .description = "bar interval; 1d from daily_kline, the others from minute_kline"},
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
       .schema =
           json::object{
               {"type", "integer"}, {"minimum", 0}, {"maximum", kMaxWarmupBars}, {"default", 0}},
       .description = "extra earlier bars fed to the indicator but not returned"},
      {.name = "convention",
       .schema = json::object{{"type", "string"},
                              {"enum", json::array{"ta_lib", "china_broker"}},
                              {"default", "ta_lib"}},
       .description = "which published definition to follow where TA-Lib and brokers differ"},
  };
  for (ParamSpec& spec : indicator_param_specs()) params.push_back(std::move(spec));
  MYSTOCKS_RETURN_IF_ERROR(registry.add(RouteSpec{
      .method = HttpMethod::kGet,
      .path = "/api/v1/indicators/{name}",
      .version = "v1",
      .summary = "One indicator over one symbol's bars",
      .description = "404 for an unknown indicator or symbol; 400 naming a parameter outside "
                     "its range or not taken by the indicator.",
      .tags = {"indicators"},
      .resource = "indicators",
      .action = "read",
      .params = std::move(params),
      .response_schema = json::object{{"type", "object"}},
      .etag = true,
      .handler = [api](const HttpRequest& request) { return compute_one(api, request); },
  }));

  MYSTOCKS_RETURN_IF_ERROR(registry.add(RouteSpec{
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
  }));
  return Status::ok();
}

}  // namespace mystocks::api
