#include "core/key_value_list.h"

#include <charconv>

namespace mystocks {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

Result<KeyValueList> parse_key_value_list(std::string_view text, std::string_view setting) {
  KeyValueList entries;
  while (!trim(text).empty()) {
    const size_t comma = std::min(text.find(','), text.size());
    const std::string_view entry = trim(text.substr(0, comma));
    text.remove_prefix(std::min(comma + 1, text.size()));
    if (entry.empty()) continue;
    const size_t equals = entry.find('=');
    const std::string_view name = trim(entry.substr(0, equals));
    if (equals == std::string_view::npos || name.empty() || trim(entry.substr(equals + 1)).empty()) {
      return field_error(ErrorCode::kInvalidConfig, std::string(setting),
                         "{}: entry '{}' is not name=value", setting,
                         name.empty() ? std::string_view("(empty)") : name);
    }
    entries.emplace_back(std::string(name), std::string(trim(entry.substr(equals + 1))));
  }
  return entries;
}

Result<std::map<std::string, double, std::less<>>> parse_number_map(std::string_view text,
                                                                   std::string_view setting) {
  Result<KeyValueList> entries = parse_key_value_list(text, setting);
  MYSTOCKS_RETURN_IF_ERROR(entries.status());
  std::map<std::string, double, std::less<>> numbers;
  for (const auto& [name, value] : *entries) {
    double number = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (ec != std::errc() || end != value.data() + value.size() || number < 0) {
      return field_error(ErrorCode::kInvalidConfig, std::string(setting),
                         "{}: value '{}' of '{}' is not a number >= 0", setting, value, name);
    }
    if (!numbers.emplace(name, number).second) {
      return field_error(ErrorCode::kInvalidConfig, std::string(setting),
                         "{}: '{}' is listed twice", setting, name);
    }
  }
  return numbers;
}

}  // namespace mystocks
