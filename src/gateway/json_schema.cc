#include "gateway/json_schema.h"

#include <boost/json/serialize.hpp>
#include <fmt/format.h>

namespace mystocks::gateway {
namespace {

namespace json = boost::json;

// A double is an integer when it has no fraction and fits int64_t, the type handlers read it
// as. The range is checked before the cast: casting 1e22 or NaN to int64_t is undefined
// behaviour (found by fuzzing, tests/fuzz/json_body_fuzz.cc).
bool is_integral_double(double number) {
  constexpr double kTwoTo63 = 9223372036854775808.0;
  return number >= -kTwoTo63 && number < kTwoTo63 &&
         number == static_cast<double>(static_cast<int64_t>(number));
}

bool has_type(const json::value& value, std::string_view type) {
  if (type == "string") return value.is_string();
  if (type == "integer") {
    return value.is_int64() || value.is_uint64() ||
           (value.is_double() && is_integral_double(value.as_double()));
  }
  if (type == "number") return value.is_number();
  if (type == "boolean") return value.is_bool();
  if (type == "object") return value.is_object();
  if (type == "array") return value.is_array();
  if (type == "null") return value.is_null();
  return true;
}

double as_number(const json::value& value) {
  if (value.is_int64()) return static_cast<double>(value.as_int64());
  if (value.is_uint64()) return static_cast<double>(value.as_uint64());
  return value.as_double();
}

std::string field_name(const std::string& path) { return path.empty() ? "body" : path; }

// A value as the caller wrote it, as far as JSON parsing can tell: doubles in their shortest
// round-trip form (100.5, not serialize's 1.005E2).
std::string shown(const json::value& value) {
  if (value.is_double()) return fmt::format("{}", value.get_double());
  return json::serialize(value).substr(0, 64);
}

void add(std::vector<FieldError>& errors, const std::string& path, std::string message) {
  errors.push_back({field_name(path), "INVALID_ARGUMENT", std::move(message)});
}

}  // namespace

void validate_json(const json::value& schema, const json::value& value, const std::string& path,
                   std::vector<FieldError>& errors) {
  if (!schema.is_object()) return;
  const json::object& rules = schema.as_object();
  const std::string name = field_name(path);
  if (const json::value* type = rules.if_contains("type")) {
    bool matches = false;
    std::string expected;
    if (type->is_string()) {
      matches = has_type(value, type->as_string());
      expected = std::string(type->as_string());
    } else if (type->is_array()) {
      for (const json::value& option : type->as_array()) {
        matches = matches || has_type(value, option.as_string());
        expected += (expected.empty() ? "" : " or ") + std::string(option.as_string());
      }
    }
    if (!matches) {
      return add(errors, path, fmt::format("{} must be {} (got {})", name, expected, shown(value)));
    }
  }
  if (const json::value* choices = rules.if_contains("enum"); choices && choices->is_array()) {
    bool found = false;
    for (const json::value& choice : choices->as_array()) found = found || choice == value;
    if (!found) {
      return add(errors, path,
                 fmt::format("{} is {}: expected one of {}", name, shown(value),
                             json::serialize(*choices)));
    }
  }
  if (const json::value* constant = rules.if_contains("const"); constant && *constant != value) {
    return add(errors, path, fmt::format("{} must be {}", name, json::serialize(*constant)));
  }
  if (value.is_number()) {
    const double number = as_number(value);
    if (const json::value* minimum = rules.if_contains("minimum"); minimum && number < as_number(*minimum)) {
      add(errors, path,
          fmt::format("{} is {}: the minimum is {}", name, shown(value),
                      json::serialize(*minimum)));
    }
    if (const json::value* maximum = rules.if_contains("maximum"); maximum && number > as_number(*maximum)) {
      add(errors, path,
          fmt::format("{} is {}: the maximum is {}", name, shown(value),
                      json::serialize(*maximum)));
    }
  }
  if (value.is_string()) {
    const size_t length = value.as_string().size();
    if (const json::value* min = rules.if_contains("minLength"); min && length < static_cast<size_t>(as_number(*min))) {
      add(errors, path, fmt::format("{} must have at least {} characters", name, json::serialize(*min)));
    }
    if (const json::value* max = rules.if_contains("maxLength"); max && length > static_cast<size_t>(as_number(*max))) {
      add(errors, path, fmt::format("{} must have at most {} characters", name, json::serialize(*max)));
    }
  }
  if (value.is_array()) {
    const json::array& items = value.as_array();
    if (const json::value* min = rules.if_contains("minItems"); min && items.size() < static_cast<size_t>(as_number(*min))) {
      add(errors, path, fmt::format("{} must have at least {} items", name, json::serialize(*min)));
    }
    if (const json::value* max = rules.if_contains("maxItems"); max && items.size() > static_cast<size_t>(as_number(*max))) {
      add(errors, path, fmt::format("{} has {} items: at most {} are allowed", name, items.size(), json::serialize(*max)));
    }
    if (const json::value* item_schema = rules.if_contains("items")) {
      for (size_t index = 0; index < items.size(); ++index) {
        validate_json(*item_schema, items[index], fmt::format("{}[{}]", name, index), errors);
      }
    }
  }
  if (value.is_object()) {
    const json::object& object = value.as_object();
    const json::object* properties = rules.contains("properties") && rules.at("properties").is_object()
                                         ? &rules.at("properties").as_object()
                                         : nullptr;
    if (const json::value* required = rules.if_contains("required"); required && required->is_array()) {
      for (const json::value& key : required->as_array()) {
        if (!object.contains(key.as_string())) {
          const std::string child = path.empty() ? std::string(key.as_string()) : path + "." + std::string(key.as_string());
          errors.push_back({child, "INVALID_ARGUMENT", fmt::format("{} is required", child)});
        }
      }
    }
    const json::value* additional = rules.if_contains("additionalProperties");
    for (const auto& [key, child] : object) {
      const std::string child_path = path.empty() ? std::string(key) : path + "." + std::string(key);
      if (properties && properties->contains(key)) {
        validate_json(properties->at(key), child, child_path, errors);
      } else if (additional && additional->is_bool() && !additional->as_bool()) {
        errors.push_back({child_path, "INVALID_ARGUMENT", fmt::format("{} is not a known field", child_path)});
      }
    }
  }
}

}  // namespace mystocks::gateway
