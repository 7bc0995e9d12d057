#include "api/route_support.h"

#include <atomic>
#include <cmath>
#include <limits>
#include <mutex>
#include <random>

#include <fmt/format.h>

#include "core/decimal.h"
#include "core/row_json.h"
#include "core/timestamp.h"

namespace mystocks::api {

namespace json = boost::json;

Result<std::string> user_id_of(const gateway::HttpRequest& request) {
  const std::string_view header = request.header("x-user-id");
  if (header.empty()) return std::string(kDefaultUserId);
  const bool valid = header.size() <= 64 && std::all_of(header.begin(), header.end(), [](char c) {
                       return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' ||
                              c == '.' || c == '@' || c == '-';
                     });
  if (!valid) {
    return field_error(ErrorCode::kInvalidArgument, "X-User-Id",
                       "X-User-Id '{}' is not a user id: expected 1-64 characters of "
                       "A-Z a-z 0-9 _ . @ -",
                       header.substr(0, 80));
  }
  return std::string(header);
}

gateway::ParamSpec user_header_param() {
  return {.name = "X-User-Id",
          .in = gateway::ParamLocation::kHeader,
          .schema = json::object{{"type", "string"}, {"default", std::string(kDefaultUserId)}},
          .description = "TEMPORARY until authentication lands: the user acting; default demo"};
}

// The conversion itself lives in core/row_json.h, shared with the market routes and the
// realtime feed.
json::value cell_json(const RecordBatch& batch, size_t column_idx, size_t row) {
  return mystocks::cell_json(batch.schema().field(column_idx), batch.column(column_idx), row);
}

json::object row_json(const RecordBatch& batch, size_t row) { return mystocks::row_json(batch, row); }

json::array rows_json(const RecordBatch& batch) { return mystocks::rows_json(batch); }

Result<RecordBatch> make_rows(const storage::TableSchema& table,
                              const std::vector<std::string>& columns,
                              const std::vector<std::vector<Cell>>& rows) {
  std::vector<Field> fields;
  for (const std::string& name : columns) {
    const storage::ColumnDef* column = table.column(name);
    if (column == nullptr) {
      return error(ErrorCode::kInternal, "table '{}' has no column '{}'", table.name, name);
    }
    fields.push_back(column->field);
  }
  auto schema = std::make_shared<const Schema>(fields);
  RecordBatchBuilder builder(schema);
  builder.reserve(rows.size());
  for (const std::vector<Cell>& row : rows) {
    for (size_t column_idx = 0; column_idx < fields.size(); ++column_idx) {
      const Cell& cell = row[column_idx];
      const Field& field = fields[column_idx];
      if (std::holds_alternative<std::monostate>(cell)) {
        builder.append_null(column_idx);
      } else if (const auto* flag = std::get_if<bool>(&cell)) {
        builder.append_bool(column_idx, *flag);
      } else if (const auto* number = std::get_if<int64_t>(&cell)) {
        if (field.type == ColumnType::kInt32 || field.type == ColumnType::kDate) {
          builder.append_int32(column_idx, static_cast<int32_t>(*number));
        } else {
          builder.append_int64(column_idx, *number);
        }
      } else if (const auto* real = std::get_if<double>(&cell)) {
        builder.append_double(column_idx, *real);
      } else {
        builder.append_string(column_idx, std::get<std::string>(cell));
      }
    }
  }
  return builder.finish();
}

std::string new_id(std::string_view prefix, const Clock& clock) {
  static std::mutex mutex;
  static std::mt19937_64 random{std::random_device{}()};
  uint64_t bits = 0;
  {
    std::lock_guard lock(mutex);
    bits = random();
  }
  constexpr std::string_view kDigits = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string time;
  for (auto ms = static_cast<uint64_t>(clock.now_ms()); ms > 0; ms /= 36) {
    time.insert(time.begin(), kDigits[ms % 36]);
  }
  return fmt::format("{}-{:0>9}-{:016x}", prefix, time, bits);
}

gateway::ParamSpec id_path_param(std::string description) {
  return {.name = "id",
          .in = gateway::ParamLocation::kPath,
          .schema = boost::json::object{{"type", "string"}},
          .required = true,
          .description = std::move(description)};
}

std::vector<gateway::ParamSpec> page_params(int64_t default_size, int64_t max_size) {
  return {
      {.name = "page",
       .schema = json::object{{"type", "integer"}, {"minimum", 1}, {"default", 1}},
       .description = "page number, from 1"},
      {.name = "size",
       .schema = json::object{{"type", "integer"},
                              {"minimum", 1},
                              {"maximum", max_size},
                              {"default", default_size}},
       .description = fmt::format("rows per page, 1-{}", max_size)},
  };
}

Page page_of(const gateway::HttpRequest& request) {
  return Page{int_param(request, "page", 1), int_param(request, "size", 50)};
}

Result<RecordBatch> listed_symbols(services::DataManager& data,
                                   const std::vector<std::string>& symbols) {
  services::LoadQuery query;
  query.columns = {"symbol", "name", "security_type", "status", "is_st"};
  query.symbols = symbols;
  return data.load("symbols", query);
}

int64_t int_param(const gateway::HttpRequest& request, std::string_view name, int64_t fallback) {
  const json::value* value = request.params.if_contains(name);
  return value != nullptr && value->is_int64() ? value->as_int64() : fallback;
}

std::string string_param(const gateway::HttpRequest& request, std::string_view name,
                         std::string_view fallback) {
  const json::value* value = request.params.if_contains(name);
  return value != nullptr && value->is_string() ? std::string(value->as_string())
                                                : std::string(fallback);
}

bool has_param(const gateway::HttpRequest& request, std::string_view name) {
  return request.params.contains(name);
}

int64_t json_int64(const json::value& value) {
  if (value.is_int64()) return value.as_int64();
  if (value.is_uint64()) {
    return value.as_uint64() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())
               ? std::numeric_limits<int64_t>::max()
               : static_cast<int64_t>(value.as_uint64());
  }
  if (value.is_double() && std::fabs(value.as_double()) < 9.2e18) {
    return static_cast<int64_t>(value.as_double());
  }
  return value.is_double() && value.as_double() < 0 ? std::numeric_limits<int64_t>::min()
                                                    : std::numeric_limits<int64_t>::max();
}

const std::string& string_at(const RecordBatch& batch, std::string_view column, size_t row) {
  return batch.column(column)->as<std::string>()[row];
}

int64_t int64_at(const RecordBatch& batch, std::string_view column, size_t row) {
  return batch.column(column)->as<int64_t>()[row];
}

}  // namespace mystocks::api
