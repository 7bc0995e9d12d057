// "name=value, name=value" settings (security.jwt_keys, security.role_rate_scale, ...): split on
// commas, then on the first '=' (values may contain '=', as base64 padding does), names and
// values trimmed. An entry without '=' or with an empty name or value is an error naming the
// setting. Pure functions: thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace mystocks {

using KeyValueList = std::vector<std::pair<std::string, std::string>>;

Result<KeyValueList> parse_key_value_list(std::string_view text, std::string_view setting);

// The same list with numeric values (>= 0), as a map; duplicates are an error.
Result<std::map<std::string, double, std::less<>>> parse_number_map(std::string_view text,
                                                                   std::string_view setting);

}  // namespace mystocks
