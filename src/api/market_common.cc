#include "api/market_common.h"

#include <algorithm>

#include <boost/json/array.hpp>

#include "api/batch_csv.h"
#include "core/decimal.h"
#include "core/timestamp.h"
#include "gateway/content_negotiation.h"

namespace mystocks::api {
namespace {

namespace json = boost::json;

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

std::optional<std::string> string_param(const gateway::HttpRequest& request,
                                        std::string_view name) {
  const json::value* value = request.params.if_contains(name);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return std::string(value->get_string());
}

std::optional<int64_t> int_param(const gateway::HttpRequest& request, std::string_view name) {
  const json::value* value = request.params.if_contains(name);
  if (value == nullptr || !value->is_int64()) return std::nullopt;
  return value->get_int64();
}

std::optional<TimestampMs> exclusive_end(const gateway::HttpRequest& request) {
  std::optional<int64_t> end = int_param(request, "end");
  if (!end) return std::nullopt;
  const std::string* raw = request.query_param("end");
  return raw != nullptr && is_date_text(*raw) ? *end + kMillisPerDay : *end + 1;
}

Result<TimeWindow> read_window(const gateway::HttpRequest& request, const Clock& clock,
                               int64_t max_span_days, std::string_view scope) {
  TimeWindow window;
  window.start = int_param(request, "start");
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

RecordBatch reverse_rows(const RecordBatch& batch) {
  std::vector<Column> columns;
  columns.reserve(batch.num_columns());
  for (size_t column_idx = 0; column_idx < batch.num_columns(); ++column_idx) {
    ColumnValues values = batch.column(column_idx).values();
    std::visit([](auto& vector) { std::reverse(vector.begin(), vector.end()); }, values);
    std::vector<uint8_t> validity = batch.column(column_idx).validity();
    std::reverse(validity.begin(), validity.end());
    columns.emplace_back(std::move(values), std::move(validity));
  }
  Result<RecordBatch> reversed = RecordBatch::make(batch.schema_ptr(), std::move(columns));
  return reversed.is_ok() ? std::move(reversed).value() : batch;  // same shape: cannot fail
}

Result<RecordBatch> load_newest(services::DataManager& data, const std::string& table,
                                services::LoadQuery query, const TimeWindow& window,
                                int64_t limit) {
  if (window.start) query.range.start = *window.start;
  query.range.end = window.end;
  query.order = storage::SortOrder::kDescending;
  query.limit = limit;
  Result<RecordBatch> rows = data.load(table, query);
  if (!rows.is_ok()) return rows.status();
  return reverse_rows(*rows);
}

Status check_symbol_known(services::DataManager& data, const std::string& symbol,
                          std::string_view field) {
  Result<RecordBatch> rows =
      data.load("symbols", {.columns = {"symbol"}, .symbols = {symbol}, .limit = 1});
  if (!rows.is_ok()) return rows.status();
  if (rows->num_rows() == 0) {
    return field_error(ErrorCode::kNotFound, std::string(field),
                       "symbol '{}' is not in the securities master", symbol);
  }
  return Status::ok();
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
