#include "api/inventory_routes.h"

#include <algorithm>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/batch_csv.h"
#include "api/market_common.h"
#include "api/route_prelude.h"
#include "api/route_support.h"

namespace mystocks::api {
namespace {

json::value time_or_null(int64_t ms) { return ms == 0 ? json::value(nullptr) : json::value(ms); }

std::string date_text(int64_t ms) { return shanghai_date(ms).to_string(); }

json::object row_json(const services::InventoryRow& row) {
  json::array sample;
  for (int32_t day : row.missing_sample) sample.emplace_back(Date{day}.to_string());
  return json::object{
      {"table", row.table},
      {"store", row.store},
      {"symbol", row.symbol},
      {"series", row.series},
      {"rows", row.rows},
      {"first", row.first_ms},
      {"last", row.last_ms},
      {"first_date", date_text(row.first_ms)},
      {"last_date", date_text(row.last_ms)},
      {"last_write", time_or_null(row.last_write_ms)},
      {"source", row.source.empty() ? json::value(nullptr) : json::value(row.source)},
      {"missing_trading_days",
       row.missing_days < 0 ? json::value(nullptr) : json::value(row.missing_days)},
      {"missing_sample", std::move(sample)}};
}

// Every matching row as a batch, for CSV (dates as text so a spreadsheet reads them).
Result<RecordBatch> rows_batch(const std::vector<services::InventoryRow>& rows) {
  auto schema = std::make_shared<const Schema>(std::vector<Field>{
      {.name = "table", .type = ColumnType::kString},
      {.name = "store", .type = ColumnType::kString},
      {.name = "symbol", .type = ColumnType::kString},
      {.name = "series", .type = ColumnType::kString},
      {.name = "rows", .type = ColumnType::kInt64},
      {.name = "first_date", .type = ColumnType::kString},
      {.name = "last_date", .type = ColumnType::kString},
      {.name = "first", .type = ColumnType::kTimestamp},
      {.name = "last", .type = ColumnType::kTimestamp},
      {.name = "last_write", .type = ColumnType::kTimestamp, .nullable = true},
      {.name = "source", .type = ColumnType::kString, .nullable = true},
      {.name = "missing_trading_days", .type = ColumnType::kInt64, .nullable = true}});
  RecordBatchBuilder builder(schema);
  builder.reserve(rows.size());
  for (const services::InventoryRow& row : rows) {
    builder.append_string(0, row.table);
    builder.append_string(1, row.store);
    builder.append_string(2, row.symbol);
    builder.append_string(3, row.series);
    builder.append_int64(4, row.rows);
    builder.append_string(5, date_text(row.first_ms));
    builder.append_string(6, date_text(row.last_ms));
    builder.append_int64(7, row.first_ms);
    builder.append_int64(8, row.last_ms);
    if (row.last_write_ms == 0) builder.append_null(9); else builder.append_int64(9, row.last_write_ms);
    if (row.source.empty()) builder.append_null(10); else builder.append_string(10, row.source);
    if (row.missing_days < 0) builder.append_null(11); else builder.append_int64(11, row.missing_days);
  }
  return builder.finish();
}

std::vector<ParamSpec> inventory_params() {
  std::vector<ParamSpec> params = {
      {.name = "table",
       .schema = json::object{{"type", "string"}, {"maxLength", 64}},
       .description = "one table, e.g. daily_kline or minute_kline; default: every table with "
                      "series"},
      {.name = "symbols",
       .schema = json::object{{"type", "string"},
                              {"format", "symbol-list"},
                              {"minItems", 1},
                              {"maxItems", 5000},
                              {"examples", json::array{"600519.SH,000001.SZ"}}},
       .description = "only these symbols (comma-separated, any accepted spelling)"},
      {.name = "has_gaps",
       .schema = json::object{{"type", "boolean"}},
       .description = "true: only series missing trading days; false: only complete ones"},
      enum_param("format", {"json", "csv"}, "json",
                 "json: the envelope, paged; csv: every matching row as text/csv (no paging)")};
  for (ParamSpec& spec : page_params(100, 5000)) params.push_back(std::move(spec));
  return params;
}

json::object inventory_schema() {
  return json::object{
      {"type", "object"},
      {"properties",
       {{"calendar", {{"type", "string"}, {"enum", json::array{"trade_calendar", "built-in"}}}},
        {"tables", {{"type", "array"}, {"items", {{"type", "string"}}}}},
        {"series",
         {{"type", "array"},
          {"items",
           {{"type", "object"},
            {"properties",
             {{"table", {{"type", "string"}}},
              {"symbol", {{"type", "string"}}},
              {"series", {{"type", "string"}, {"description", "other tags, e.g. frequency=1m"}}},
              {"rows", {{"type", "integer"}}},
              {"first", {{"type", "integer"}, {"description", "epoch ms of the first row"}}},
              {"last", {{"type", "integer"}}},
              {"last_write", {{"type", json::array{"integer", "null"}}}},
              {"source", {{"type", json::array{"string", "null"}}}},
              {"missing_trading_days", {{"type", json::array{"integer", "null"}}}},
              {"missing_sample", {{"type", "array"}, {"items", {{"type", "string"}}}}}}}}}}}}}};
}

ApiReply answer(const services::SeriesInventory& inventory, const HttpRequest& request) {
  services::InventoryQuery query;
  if (has_param(request, "table")) query.tables = {string_param(request, "table").value_or("")};
  if (const json::value* symbols = request.params.if_contains("symbols")) {
    for (const json::value& symbol : symbols->as_array()) query.symbols.emplace_back(symbol.as_string());
    std::sort(query.symbols.begin(), query.symbols.end());
    query.symbols.erase(std::unique(query.symbols.begin(), query.symbols.end()), query.symbols.end());
  }
  if (const json::value* gaps = request.params.if_contains("has_gaps")) query.has_gaps = gaps->as_bool();
  Result<services::Inventory> found = inventory.list(query);
  if (!found.is_ok()) return ApiReply::fail(found.status());
  if (string_param(request, "format").value_or("json") == "csv" || wants_csv(request)) {
    Result<RecordBatch> batch = rows_batch(found->rows);
    if (!batch.is_ok()) return ApiReply::fail(batch.status());
    return csv_reply(*batch);
  }
  const Page page = page_of(request);
  const auto total = static_cast<int64_t>(found->rows.size());
  const int64_t begin = std::min(page.offset(), total);
  const int64_t end = std::min(begin + page.size, total);
  json::array series;
  for (int64_t row = begin; row < end; ++row) series.push_back(row_json(found->rows[static_cast<size_t>(row)]));
  json::array tables;
  for (const std::string& table : found->tables) tables.emplace_back(table);
  ApiReply reply = ApiReply::page(json::object{{"calendar", found->calendar},
                                               {"tables", std::move(tables)},
                                               {"series", std::move(series)}},
                                  {page.page, page.size, total});
  return reply;
}

}  // namespace

Status register_inventory_routes(gateway::RouteRegistry& registry,
                                 const services::SeriesInventory& inventory) {
  return registry.add(RouteSpec{
      .method = HttpMethod::kGet,
      .path = "/api/v1/data/inventory",
      .version = "v1",
      .summary = "Series inventory: per table and symbol, rows, first/last time, last write, "
                 "source and missing trading days",
      .description = "Answered from metadata: the time-series store's per-series catalog, one "
                     "indexed GROUP BY per relational table. source is the newest ingest job "
                     "that wrote the series (null when none did); missing_trading_days counts "
                     "trading days between first and last without rows (null where rows are not "
                     "one per trading day). Accept: text/csv or format=csv answers every "
                     "matching row as CSV.",
      .tags = {"data"},
      .resource = "data",
      .action = "read",
      .params = inventory_params(),
      .response_schema = inventory_schema(),
      .alternate_content_types = {"text/csv"},
      .handler = [&inventory](const HttpRequest& request) { return answer(inventory, request); },
  });
}

}  // namespace mystocks::api
