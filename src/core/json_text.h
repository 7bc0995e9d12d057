// JSON text for every REST envelope and realtime message. Boost.JSON prints doubles in exponent
// form ("1.85001E3"), which surprises people reading prices and tools that expect what a CSV or
// pandas would print. Here a double prints as the shortest text that reads back to the same
// value, in plain decimal notation when 1e-6 <= |x| < 1e21 ("1850.01", "0.000125"; integral
// values keep ".0" as Python prints them: "27.0") and in exponent form only outside that range
// ("1e-07"); NaN and infinities print as null. A decimal(scale) column converted with
// Decimal::to_double therefore prints exactly its digits.
// Everything else (strings, escaping, integers) matches boost::json::serialize.
// Pure functions: safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

namespace mystocks {

// Appends the JSON text of `value` to `out`.
void append_json(std::string& out, const boost::json::value& value);
std::string to_json_text(const boost::json::value& value);

// The pieces on their own, for writers that do not build a json::value (CSV, row writers).
void append_json_string(std::string& out, std::string_view text);  // quoted and escaped
void append_json_double(std::string& out, double value);
// Exact decimal text of units / 10^scale with trailing fractional zeros removed ("1850.01",
// "12", "-0.5"): the CSV form. REQUIRES: 0 <= scale <= 18.
void append_decimal_text(std::string& out, int64_t units, int scale);

}  // namespace mystocks
