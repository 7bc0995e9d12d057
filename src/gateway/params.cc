#include "gateway/params.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include <boost/json/array.hpp>
#include <fmt/format.h>

#include "core/symbol.h"
#include "core/timestamp.h"
#include "gateway/json_schema.h"

namespace mystocks::gateway {
namespace {

namespace json = boost::json;

std::string_view schema_string(const json::value& schema, std::string_view key) {
  if (!schema.is_object()) return {};
  const json::value* value = schema.as_object().if_contains(key);
  return value && value->is_string() ? std::string_view(value->as_string()) : std::string_view();
}

// Converts the raw text to the value the schema describes; on failure appends an error.
std::optional<json::value> convert(const ParamSpec& spec, const std::string& raw,
                                   std::vector<FieldError>& errors) {
  const std::string_view type = schema_string(spec.schema, "type");
  const std::string_view format = schema_string(spec.schema, "format");
  auto fail = [&](ErrorCode code, std::string message, std::string field = {}) -> std::optional<json::value> {
    errors.push_back({field.empty() ? spec.name : std::move(field), std::string(error_name(code)), std::move(message)});
    return std::nullopt;
  };
  if (format == "symbol") {
    Result<Symbol> symbol = Symbol::parse(raw, spec.name);
    if (!symbol.is_ok()) return fail(ErrorCode::kInvalidSymbol, symbol.status().message());
    return json::value(symbol->to_string());
  }
  if (format == "symbol-list") {
    json::array symbols;
    size_t start = 0;
    while (start <= raw.size()) {
      size_t end = raw.find(',', start);
      if (end == std::string::npos) end = raw.size();
      const std::string field = fmt::format("{}[{}]", spec.name, symbols.size());
      Result<Symbol> symbol = Symbol::parse(std::string_view(raw).substr(start, end - start), field);
      if (!symbol.is_ok()) return fail(ErrorCode::kInvalidSymbol, symbol.status().message(), field);
      symbols.push_back(json::value(symbol->to_string()));
      start = end + 1;
    }
    return json::value(std::move(symbols));
  }
  if (format == "date-or-epoch-ms") {
    Result<TimestampMs> time = parse_timestamp(raw, spec.name);
    if (!time.is_ok()) return fail(ErrorCode::kInvalidTimestamp, time.status().message());
    return json::value(*time);
  }
  if (type == "integer") {
    int64_t number = 0;
    auto [ptr, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), number);
    if (raw.empty() || ec != std::errc() || ptr != raw.data() + raw.size()) {
      return fail(ErrorCode::kInvalidArgument, fmt::format("{} '{}' is not an integer", spec.name, raw));
    }
    return json::value(number);
  }
  if (type == "number") {
    double number = 0;
    auto [ptr, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), number);
    if (raw.empty() || ec != std::errc() || ptr != raw.data() + raw.size()) {
      return fail(ErrorCode::kInvalidArgument, fmt::format("{} '{}' is not a number", spec.name, raw));
    }
    return json::value(number);
  }
  if (type == "boolean") {
    if (raw == "true" || raw == "1") return json::value(true);
    if (raw == "false" || raw == "0") return json::value(false);
    return fail(ErrorCode::kInvalidArgument, fmt::format("{} '{}' is not true or false", spec.name, raw));
  }
  return json::value(raw);
}

}  // namespace

bool bind_params(const RouteSpec& route, HttpRequest& request, std::vector<FieldError>& errors) {
  const size_t before = errors.size();
  request.params.clear();
  for (const auto& query_param : request.query) {
    // A plain reference, not a structured binding: clang 14 (the fuzz build) cannot capture
    // structured bindings in a lambda.
    const std::string& name = query_param.first;
    if (name.starts_with('_')) continue;
    const bool declared = std::any_of(route.params.begin(), route.params.end(), [&](const ParamSpec& spec) {
      return spec.in == ParamLocation::kQuery && spec.name == name;
    });
    if (!declared) {
      std::string known;
      for (const ParamSpec& spec : route.params) {
        if (spec.in == ParamLocation::kQuery) known += (known.empty() ? "" : ", ") + spec.name;
      }
      errors.push_back({name, "INVALID_ARGUMENT",
                        fmt::format("unknown query parameter '{}'{}", name,
                                    known.empty() ? " (this route takes none)" : ": expected " + known)});
    }
  }
  for (const ParamSpec& spec : route.params) {
    const std::string* raw = nullptr;
    if (spec.in == ParamLocation::kPath) {
      auto it = request.path_params.find(spec.name);
      if (it != request.path_params.end()) raw = &it->second;
    } else if (spec.in == ParamLocation::kQuery) {
      if (request.query.count(spec.name) > 1) {
        errors.push_back({spec.name, "INVALID_ARGUMENT", fmt::format("{} is given more than once", spec.name)});
        continue;
      }
      raw = request.query_param(spec.name);
    }
    if (raw == nullptr) {
      const json::value* fallback =
          spec.schema.is_object() ? spec.schema.as_object().if_contains("default") : nullptr;
      if (fallback) {
        request.params[spec.name] = *fallback;
      } else if (spec.required || spec.in == ParamLocation::kPath) {
        errors.push_back({spec.name, "INVALID_ARGUMENT", fmt::format("{} is required", spec.name)});
      }
      continue;
    }
    std::optional<json::value> value = convert(spec, *raw, errors);
    if (!value) continue;
    const std::string_view format = schema_string(spec.schema, "format");
    if (format != "symbol-list" && format != "date-or-epoch-ms" && format != "symbol") {
      validate_json(spec.schema, *value, spec.name, errors);
    } else if (format == "symbol-list") {
      json::object limits;  // only the list bounds apply to the converted array
      for (const char* key : {"minItems", "maxItems"}) {
        if (const json::value* bound = spec.schema.as_object().if_contains(key)) limits[key] = *bound;
      }
      validate_json(limits, *value, spec.name, errors);
    }
    request.params[spec.name] = std::move(*value);
  }
  return errors.size() == before;
}

std::optional<std::string> string_param(const HttpRequest& request, std::string_view name) {
  const json::value* value = request.params.if_contains(name);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return std::string(value->get_string());
}

std::optional<int64_t> int_param(const HttpRequest& request, std::string_view name) {
  const json::value* value = request.params.if_contains(name);
  if (value == nullptr || !value->is_int64()) return std::nullopt;
  return value->get_int64();
}

bool has_param(const HttpRequest& request, std::string_view name) {
  return request.params.contains(name);
}

}  // namespace mystocks::gateway
