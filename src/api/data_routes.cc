#include "api/data_routes.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/route_prelude.h"
#include "api/route_support.h"

namespace mystocks::api {
namespace {

using storage::FilterOp;

json::value size_or_null(int64_t value) {
  return value < 0 ? json::value(nullptr) : json::value(value);
}

json::object table_json(const MarketApi& api, const storage::TableSchema& table) {
  json::object out{{"name", table.name},
                   {"classification", storage::classification_name(table.classification)},
                   {"description", table.description},
                   {"store", storage::store_kind_name(table.target())},
                   {"columns", static_cast<int64_t>(table.columns.size())}};
  Result<services::RouteDecision> route = api.data->route(table.name);
  if (route.is_ok()) {
    out["overridden"] = route->overridden;
    out["backend"] = route->backend;
    out["explanation"] = route->explanation;
  }
  Result<services::TableSize> size = api.data->size(table.name);
  if (size.is_ok()) {
    out["rows"] = size->rows;
    out["series"] = size_or_null(size->series);
    out["bytes_on_disk"] = size_or_null(size->bytes_on_disk);
    out["raw_bytes"] = size_or_null(size->raw_bytes);
  } else {
    // One table whose store is down does not hide the others; its error says why.
    out["rows"] = nullptr;
    out["series"] = nullptr;
    out["bytes_on_disk"] = nullptr;
    out["raw_bytes"] = nullptr;
    out["error"] = json::object{{"code", error_name(size.status().code())},
                                {"message", size.status().message()}};
  }
  return out;
}

ApiReply quality(const MarketApi& api, const HttpRequest& request) {
  std::vector<storage::Filter> filters;
  for (auto [param, column] : {std::pair{"table", "dataset"}, std::pair{"check", "check_name"},
                               std::pair{"status", "status"}, std::pair{"symbol", "scope"}}) {
    if (std::optional<std::string> value = string_param(request, param))
      filters.push_back(storage::eq(column, *value));
  }
  const std::optional<int64_t> start = int_param(request, "start");
  const std::optional<int64_t> end = int_param(request, "end");
  if (start && end && *start > *end) {
    return ApiReply::fail(field_error(ErrorCode::kInvalidArgument, "start",
                                      "start {} is after end {}", *start, *end));
  }
  if (start) filters.push_back(storage::cmp("ts", FilterOp::kGe, *start));
  if (end) filters.push_back(storage::cmp("ts", FilterOp::kLt, *end));
  const Page page = page_of(request);
  Result<int64_t> total = api.data->count("data_quality_metrics", filters);
  if (!total.is_ok()) return ApiReply::fail(total.status());
  services::LoadQuery query;
  query.filters = std::move(filters);
  query.order_by = {{"ts", storage::SortOrder::kDescending}};
  query.limit = page.size;
  query.offset = page.offset();
  Result<RecordBatch> rows = api.data->load("data_quality_metrics", query);
  if (!rows.is_ok()) return ApiReply::fail(rows.status());
  return ApiReply::page(rows_json(*rows), {page.page, page.size, *total});
}

}  // namespace

Status register_data_routes(gateway::RouteRegistry& registry, const MarketApi& api) {
  MYSTOCKS_RETURN_IF_ERROR(registry.add(RouteSpec{
      .method = HttpMethod::kGet,
      .path = "/api/v1/data/tables",
      .version = "v1",
      .summary = "Every declared table: classification, target store and why, rows, bytes",
      .description = "bytes_on_disk and raw_bytes come from the time-series store's statistics; "
                     "the relational stores do not report per-table sizes, so they are null "
                     "there. A table whose store fails carries an error instead of sizes.",
      .tags = {"data"},
      .resource = "data",
      .action = "read",
      .response_schema =
          json::object{
              {"type", "array"},
              {"items",
               {{"type", "object"},
                {"properties",
                 {{"name", {{"type", "string"}}},
                  {"classification", {{"type", "string"}}},
                  {"store",
                   {{"type", "string"}, {"enum", json::array{"timeseries", "relational"}}}},
                  {"explanation", {{"type", "string"}}},
                  {"rows", {{"type", json::array{"integer", "null"}}}},
                  {"bytes_on_disk", {{"type", json::array{"integer", "null"}}}}}}}}},
      .handler =
          [api](const HttpRequest&) {
            json::array out;
            for (const storage::TableSchema& table : api.catalog->tables()) {
              out.push_back(table_json(api, table));
            }
            return ApiReply::ok(std::move(out));
          },
  }));

  std::vector<ParamSpec> params = {
      {.name = "table",
       .schema = json::object{{"type", "string"}, {"maxLength", 64}},
       .description = "dataset checked, e.g. daily_kline"},
      {.name = "check",
       .schema = json::object{{"type", "string"}, {"maxLength", 64}},
       .description = "check name, e.g. completeness"},
      {.name = "status",
       .schema = json::object{{"type", "string"}, {"enum", json::array{"ok", "warn", "fail"}}}},
      {.name = "symbol",
       .schema = json::object{{"type", "string"}, {"format", "symbol"}},
       .description = "checks scoped to one symbol"},
      {.name = "start",
       .schema = json::object{{"type", "string"}, {"format", "date-or-epoch-ms"}},
       .description = "checks run at or after"},
      {.name = "end",
       .schema = json::object{{"type", "string"}, {"format", "date-or-epoch-ms"}},
       .description = "checks run before"},
  };
  for (ParamSpec& spec : page_params(50, 500)) params.push_back(std::move(spec));
  MYSTOCKS_RETURN_IF_ERROR(registry.add(RouteSpec{
      .method = HttpMethod::kGet,
      .path = "/api/v1/data/quality",
      .version = "v1",
      .summary = "Data-quality check results, newest first",
      .tags = {"data"},
      .resource = "data",
      .action = "read",
      .params = std::move(params),
      .response_schema = json::object{{"type", "array"}, {"items", {{"type", "object"}}}},
      .handler = [api](const HttpRequest& request) { return quality(api, request); },
  }));
  return Status::ok();
}

}  // namespace mystocks::api
