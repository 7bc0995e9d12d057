#include "api/market_common.h"

#include <algorithm>

#include <boost/json/array.hpp>

#include "api/batch_csv.h"
#include "api/route_prelude.h"
#include "core/decimal.h"
#include "core/timestamp.h"
#include "gateway/content_negotiation.h"
#include "gateway/params.h"

namespace mystocks::api {
namespace {

bool is_date_text(std::string_view text) {
  const bool dashed = text.size() == 10 && text[4] == '-' && text[7] == '-';
  const bool compact = text.size() == 8 && std::all_of(text.begin(), text.end(),
                                                       [](char c) { return c >= '0' && c <= '9'; });
  return dashed || compact;
}

json::object column_type_schema(const Field& field, const std::string& description) {
  json::object schema;
  switch (field.type) {
    case ColumnType::kBool:
      schema["type"] = "boolean";
      break;
    case ColumnType::kInt32:
    case ColumnType::kInt64:
      schema["type"] = "integer";
      break;
    case ColumnType::kTimestamp:
      schema["type"] = "integer";
      schema["format"] = "epoch-ms";
      break;
    case ColumnType::kDate:
      schema["type"] = "string";
      schema["format"] = "date";
      break;
    case ColumnType::kDecimal:
      schema["type"] = "number";
      schema["multipleOf"] = 1.0 / static_cast<double>(pow10_int64(field.scale));
      break;
    case ColumnType::kDouble:
      schema["type"] = "number";
      break;
    case ColumnType::kString:
      schema["type"] = "string";
      break;
  }
  if (field.nullable) schema["type"] = json::array{schema["type"], "null"};
  if (!description.empty()) schema["description"] = description;
  return schema;
}

}  // namespace

gateway::ParamSpec symbol_param(std::string description, gateway::ParamLocation in) {
  return {.name = "symbol",
          .in = in,
          .schema =
              json::object{
                  {"type", "string"}, {"format", "symbol"}, {"examples", json::array{"600519.SH"}}},
          .required = true,
          .description = std::move(description)};
}

gateway::ParamSpec time_param(std::string name, std::string description) {
  return {.name = std::move(name),
          .schema = json::object{{"type", "string"},
                                 {"format", "date-or-epoch-ms"},
                                 {"examples", json::array{"2024-01-31", "1706664600000"}}},
          .description = std::move(description)};
}

gateway::ParamSpec limit_param(int64_t default_limit, int64_t max_limit, std::string description) {
  return {.name = "limit",
          .schema = json::object{{"type", "integer"},
                                 {"minimum", 1},
                                 {"maximum", max_limit},
                                 {"default", default_limit}},
          .description = std::move(description)};
}

gateway::ParamSpec enum_param(std::string name, std::vector<std::string> values,
                              std::optional<std::string> default_value, std::string description) {
  json::array allowed;
  for (std::string& value : values) allowed.emplace_back(std::move(value));
  json::object schema{{"type", "string"}, {"enum", std::move(allowed)}};
  if (default_value) schema["default"] = *default_value;
  return {
      .name = std::move(name), .schema = std::move(schema), .description = std::move(description)};
}

std::optional<TimestampMs> exclusive_end(const gateway::HttpRequest& request) {
  std::optional<int64_t> end = gateway::int_param(request, "end");
  if (!end) return std::nullopt;
  const std::string* raw = request.query_param("end");
  return raw != nullptr && is_date_text(*raw) ? *end + kMillisPerDay : *end + 1;
}

Result<TimeWindow> read_window(const gateway::HttpRequest& request, const Clock& clock,
                               int64_t max_span_days, std::string_view scope) {
  TimeWindow window;
  window.start = gateway::int_param(request, "start");
  window.end = exclusive_end(request).value_or(clock.now_ms() + 1);
  if (window.start && *window.start >= window.end) {
    const std::string* raw_start = request.query_param("start");
    const std::string* raw_end = request.query_param("end");
    return field_error(ErrorCode::kInvalidArgument, "start", "start '{}' is after end '{}'",
                       raw_start ? *raw_start : std::string(), raw_end ? *raw_end : "now");
  }
  if (window.start && window.end - *window.start > max_span_days * kMillisPerDay) {
    return field_error(ErrorCode::kOutOfRange, "end",
                       "the range from start to end spans {} days; {} allows at most {} days per "
                       "request: split the range",
                       (window.end - *window.start + kMillisPerDay - 1) / kMillisPerDay, scope,
                       max_span_days);
  }
  return window;
}

json::object row_schema(const storage::TableSchema& table,
                        const std::vector<std::string>& columns) {
  json::object properties;
  for (const storage::ColumnDef& column : table.columns) {
    if (!columns.empty() &&
        std::find(columns.begin(), columns.end(), column.field.name) == columns.end()) {
      continue;
    }
    properties[column.field.name] = column_type_schema(column.field, column.description);
  }
  return object_schema(std::move(properties));
}

json::object object_schema(json::object properties) {
  return json::object{{"type", "object"}, {"properties", std::move(properties)}};
}

json::object array_schema(json::value items) {
  return json::object{{"type", "array"}, {"items", std::move(items)}};
}

bool wants_csv(const gateway::HttpRequest& request) {
  return gateway::negotiate_media_type(request.header("accept"),
                                       {"application/json", "text/csv"}) == 1;
}

gateway::ApiReply csv_reply(const RecordBatch& batch) {
  gateway::HttpResponse response;
  response.content_type = "text/csv; charset=utf-8";
  response.body = batch_to_csv(batch);
  return gateway::ApiReply::raw_response(std::move(response));
}

}  // namespace mystocks::api
