#include "api/data_delete_routes.h"

#include <set>
#include <string>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <fmt/format.h>

#include "api/market_common.h"
#include "api/route_prelude.h"
#include "services/time_columns.h"

namespace mystocks::api {
namespace {

constexpr int64_t kMaxDeleteSymbols = 5000;

// The tag columns besides symbol of every time-series table (frequency, exchange), sorted: each
// is a query parameter of the route.
std::vector<std::string> selectable_tags(const storage::TableCatalog& catalog) {
  std::set<std::string> tags;
  for (const storage::TableSchema& table : catalog.tables()) {
    if (table.target() != storage::StoreKind::kTimeSeries) continue;
    for (const std::string& tag : table.tag_columns()) {
      if (tag != "symbol") tags.insert(tag);
    }
  }
  return {tags.begin(), tags.end()};
}

// The request as a scope; parameter problems name the parameter.
Result<services::RangeScope> read_scope(const MarketApi& api, const HttpRequest& request) {
  Result<const storage::TableSchema*> table = api.catalog->find(request.path_params.at("table"));
  if (!table.is_ok()) return table.status();
  services::RangeScope scope;
  if (const json::value* symbols = request.params.if_contains("symbols");
      symbols != nullptr && symbols->is_array()) {
    for (const json::value& symbol : symbols->get_array()) {
      scope.symbols.emplace_back(symbol.get_string());
    }
  }
  const std::optional<int64_t> start = int_param(request, "start");
  const std::optional<int64_t> end = exclusive_end(request);
  if (start) scope.range.start = *start;
  if (end) scope.range.end = *end;
  if (start && end && *start >= *end) {
    return field_error(ErrorCode::kInvalidArgument, "start",
                       "start '{}' is not before end '{}': expected start <= end",
                       *request.query_param("start"), *request.query_param("end"));
  }
  if ((start || end) && services::range_column(**table) == nullptr) {
    return field_error(ErrorCode::kInvalidArgument, start ? "start" : "end",
                       "table '{}' has no time or date column: delete by symbols or with all=true",
                       (*table)->name);
  }
  // One query parameter per tag: only those of this table select its series.
  for (const std::string& tag : selectable_tags(*api.catalog)) {
    std::optional<std::string> value = string_param(request, tag);
    if (!value) continue;
    const storage::ColumnDef* column = (*table)->column(tag);
    if (column == nullptr || !column->tag ||
        (*table)->target() != storage::StoreKind::kTimeSeries) {
      return field_error(ErrorCode::kInvalidArgument, tag,
                         "table '{}' has no tag '{}' (it selects series of tables that have it, "
                         "e.g. frequency=5m of minute_kline)",
                         (*table)->name, tag);
    }
    scope.tags.emplace(tag, std::move(*value));
  }
  const json::value* all = request.params.if_contains("all");
  scope.whole_table = all != nullptr && all->is_bool() && all->get_bool();
  if (scope.whole_table && (!scope.symbols.empty() || !scope.tags.empty() || start || end)) {
    return field_error(ErrorCode::kInvalidArgument, "all",
                       "all=true deletes every row of table '{}': give it without symbols, tags, "
                       "start and end, or drop it to delete only those",
                       (*table)->name);
  }
  return scope;
}

ApiReply delete_rows(const MarketApi& api, const HttpRequest& request) {
  Result<services::RangeScope> scope = read_scope(api, request);
  if (!scope.is_ok()) return ApiReply::fail(scope.status());
  const std::string& table = request.path_params.at("table");
  Result<int64_t> removed = api.data->delete_range(table, *scope);
  if (!removed.is_ok()) {
    const Status& status = removed.status();
    // DataManager names a tag "tags.<name>"; here it is the query parameter <name>.
    if (status.field().starts_with("tags.")) {
      return ApiReply::fail(Status(status.code(), status.message(), status.field().substr(5)));
    }
    return ApiReply::fail(status);
  }
  return ApiReply::ok(json::object{{"table", table}, {"rows_deleted", *removed}},
                      fmt::format("{} row(s) deleted from {}", *removed, table));
}

}  // namespace

Status register_data_delete_routes(gateway::RouteRegistry& registry, const MarketApi& api) {
  std::vector<ParamSpec> params = {
      {.name = "table",
       .in = gateway::ParamLocation::kPath,
       .schema = json::object{{"type", "string"}, {"maxLength", 64}},
       .required = true,
       .description = "a table of tables.yaml, e.g. daily_kline"},
      {.name = "symbols",
       .schema = json::object{{"type", "string"},
                              {"format", "symbol-list"},
                              {"minItems", 1},
                              {"maxItems", kMaxDeleteSymbols},
                              {"examples", json::array{"600519.SH,000001.SZ"}}},
       .description = "comma-separated symbols; omitted = every symbol"},
      time_param("start", "first instant or date deleted (inclusive)"),
      time_param("end", "last instant or date deleted (inclusive; a date covers its whole day)"),
      {.name = "all",
       .schema = json::object{{"type", "boolean"}, {"default", false}},
       .description = "true = delete every row of the table (alone, without symbols, tags "
                      "or a range)"}};
  for (const std::string& tag : selectable_tags(*api.catalog)) {
    params.push_back(
        {.name = tag,
         .schema = json::object{{"type", "string"}, {"minLength", 1}, {"maxLength", 64}},
         .description = fmt::format("time-series tables with a '{}' tag: delete only the series "
                                    "with this value (e.g. frequency=5m of minute_kline keeps "
                                    "the other frequencies); omitted = every value",
                                    tag)});
  }
  return registry.add(RouteSpec{
      .method = HttpMethod::kDelete,
      .path = "/api/v1/data/{table}",
      .version = "v1",
      .summary = "Delete the rows of a table for symbols and a time range",
      .description =
          "Market and reference data only (409 FAILED_PRECONDITION for users, orders, the audit "
          "log, ...). Give symbols, start/end or both; every row goes only with all=true. A "
          "date end covers its whole day. Time-series tables drop the range with one tombstone, "
          "which a tag parameter narrows to the series with that value (minute_kline: "
          "frequency=5m deletes the 5m bars and keeps the others; without it every frequency "
          "goes); relational tables with one filtered DELETE. Cached answers derived from the "
          "table are invalidated.",
      .tags = {"data"},
      .resource = "data",
      .action = "delete",
      .params = std::move(params),
      .response_schema =
          object_schema(json::object{{"table", {{"type", "string"}}},
                                     {"rows_deleted", {{"type", "integer"}, {"minimum", 0}}}}),
      .rate_class = "heavy",
      .handler = [api](const HttpRequest& request) { return delete_rows(api, request); },
  });
}

}  // namespace mystocks::api
