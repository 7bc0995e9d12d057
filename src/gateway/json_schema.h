// Validates a JSON value against the subset of JSON Schema our route registry uses: type
// (string, integer, number, boolean, object, array, null), enum, const, minimum/maximum,
// minLength/maxLength, minItems/maxItems, items, properties, required, additionalProperties
// (false only). Every violation is reported as a FieldError naming the field path
// ("symbols[2]", "order.price"), never just the first. Pure functions: thread-safe.
#pragma once

#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "gateway/envelope.h"

namespace mystocks::gateway {

void validate_json(const boost::json::value& schema, const boost::json::value& value,
                   const std::string& path, std::vector<FieldError>& errors);

}  // namespace mystocks::gateway
