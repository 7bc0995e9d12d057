// Parsers for single CSV fields as exported by Chinese market-data tools: exact decimals (through
// Decimal::parse, with a power-of-ten unit multiplier applied by shifting the scale, so lots or
// thousands of yuan convert without rounding), integers, percentages, dates (YYYY-MM-DD,
// YYYYMMDD, YYYY/MM/DD, optionally followed by 00:00:00), instants (epoch milliseconds or
// seconds, ISO-8601 with an offset, or local Asia/Shanghai date-times such as
// "2024-01-02 09:31:00"), booleans and the placeholders exports use for "no value".
// Errors name the header and the value. Pure functions: safe from any thread.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/status.h"
#include "core/timestamp.h"

namespace mystocks::sources {

// "", "-", "--", "nan", "NaN", "null", "NULL", "None", "N/A": the field has no value.
bool is_null_token(std::string_view text);

// `text` * 10^extra_scale as units at `scale` (a decimal column, or scale 0 for integers).
Result<int64_t> parse_scaled(std::string_view text, int scale, int extra_scale,
                             std::string_view header);
Result<int32_t> parse_int32_field(std::string_view text, std::string_view header);
// A number, optionally followed by % (the value is kept in percent, as the tables store it).
Result<double> parse_double_field(std::string_view text, std::string_view header);
Result<Date> parse_date_field(std::string_view text, std::string_view header);
Result<TimestampMs> parse_time_field(std::string_view text, std::string_view header);
// true/false, 1/0, y/n, yes/no, 是/否 (case-insensitive).
Result<bool> parse_bool_field(std::string_view text, std::string_view header);

}  // namespace mystocks::sources
