#include "sources/csv/csv_values.h"

#include <charconv>
#include <cmath>

#include "core/decimal.h"

namespace mystocks::sources {
namespace {

bool all_digits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int to_int(std::string_view digits) {
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

Status bad_time(std::string_view text, std::string_view header) {
  return field_error(ErrorCode::kInvalidTimestamp, std::string(header),
                     "{} '{}' is not a time: expected YYYY-MM-DD HH:MM:SS (Asia/Shanghai), "
                     "ISO-8601 with an offset, or epoch milliseconds",
                     header, text);
}

// "YYYY-MM-DD", "YYYY/MM/DD" or "YYYYMMDD".
Result<Date> parse_plain_date(std::string_view text, std::string_view header) {
  if (text.size() == 10 && (text[4] == '/' || text[4] == '.') && text[7] == text[4]) {
    std::string normal(text);
    normal[4] = normal[7] = '-';
    return parse_date(normal, header);
  }
  return parse_date(text, header);
}

}  // namespace

bool is_null_token(std::string_view text) {
  return text.empty() || text == "-" || text == "--" || text == "nan" || text == "NaN" ||
         text == "null" || text == "NULL" || text == "None" || text == "N/A";
}

Result<int64_t> parse_scaled(std::string_view text, int scale, int extra_scale,
                             std::string_view header) {
  Result<Decimal> value = Decimal::parse(text, scale + extra_scale, header);
  if (value.is_ok()) return value->units();
  // Thousands separators appear in some exports ("1,234.5", quoted); they carry no value.
  // Checked only after a failure, so clean numbers pay nothing for it.
  if (text.find(',') != std::string_view::npos) {
    std::string plain;
    for (char c : text) {
      if (c != ',') plain.push_back(c);
    }
    Result<Decimal> retried = Decimal::parse(plain, scale + extra_scale, header);
    if (retried.is_ok()) return retried->units();
  }
  return value.status();
}

Result<int32_t> parse_int32_field(std::string_view text, std::string_view header) {
  int32_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    return field_error(ErrorCode::kInvalidArgument, std::string(header),
                       "{} '{}' is not a 32-bit integer", header, text);
  }
  return value;
}

Result<double> parse_double_field(std::string_view text, std::string_view header) {
  std::string_view number = text;
  if (!number.empty() && number.back() == '%') number.remove_suffix(1);
  if (!number.empty() && number.front() == '+') number.remove_prefix(1);
  double value = 0.0;
  auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (ec != std::errc() || ptr != number.data() + number.size() || !std::isfinite(value)) {
    return field_error(ErrorCode::kInvalidArgument, std::string(header),
                       "{} '{}' is not a number: expected digits such as 1.25 or 1.25%", header,
                       text);
  }
  return value;
}

Result<Date> parse_date_field(std::string_view text, std::string_view header) {
  // Date columns exported from pandas often carry a midnight time.
  if (text.size() > 10 && text.substr(10) == " 00:00:00") text = text.substr(0, 10);
  return parse_plain_date(text, header);
}

Result<TimestampMs> parse_time_field(std::string_view text, std::string_view header) {
  if (all_digits(text)) {
    int64_t number = 0;
    std::from_chars(text.data(), text.data() + text.size(), number);
    if (text.size() == 13) return number;                     // epoch milliseconds
    if (text.size() == 10) return number * kMillisPerSecond;  // epoch seconds
    if (text.size() == 14) {                                  // YYYYMMDDHHMMSS, local
      Result<Date> date = parse_plain_date(text.substr(0, 8), header);
      if (!date.is_ok()) return bad_time(text, header);
      const int hour = to_int(text.substr(8, 2));
      const int minute = to_int(text.substr(10, 2));
      const int second = to_int(text.substr(12, 2));
      if (hour > 23 || minute > 59 || second > 59) return bad_time(text, header);
      return shanghai_time(*date, hour, minute, second);
    }
    if (text.size() == 8) {
      Result<Date> date = parse_plain_date(text, header);
      if (!date.is_ok()) return bad_time(text, header);
      return shanghai_time(*date, 0, 0);
    }
    return bad_time(text, header);
  }
  // An explicit offset or Z: ISO-8601, which the core parser handles exactly.
  if (text.ends_with('Z') ||
      (text.size() > 6 && (text[text.size() - 6] == '+' || text[text.size() - 6] == '-') &&
       text[text.size() - 3] == ':')) {
    Result<TimestampMs> parsed = parse_timestamp(text, header);
    if (!parsed.is_ok()) return bad_time(text, header);
    return parsed;
  }
  // Local Asia/Shanghai date-time: DATE[ T]HH:MM[:SS[.fff]].
  const size_t split = text.find_first_of(" T");
  const std::string_view date_text = text.substr(0, split);
  Result<Date> date = parse_plain_date(date_text, header);
  if (!date.is_ok()) return bad_time(text, header);
  if (split == std::string_view::npos) return shanghai_time(*date, 0, 0);
  std::string_view clock = text.substr(split + 1);
  while (!clock.empty() && clock.front() == ' ') clock.remove_prefix(1);
  if (clock.size() < 5 || clock[2] != ':' || !all_digits(clock.substr(0, 2)) ||
      !all_digits(clock.substr(3, 2))) {
    return bad_time(text, header);
  }
  const int hour = to_int(clock.substr(0, 2));
  const int minute = to_int(clock.substr(3, 2));
  int second = 0;
  int millis = 0;
  clock.remove_prefix(5);
  if (!clock.empty()) {
    if (clock.size() < 3 || clock[0] != ':' || !all_digits(clock.substr(1, 2)))
      return bad_time(text, header);
    second = to_int(clock.substr(1, 2));
    clock.remove_prefix(3);
    if (!clock.empty()) {
      if (clock[0] != '.' || clock.size() < 2 || !all_digits(clock.substr(1)))
        return bad_time(text, header);
      const std::string_view fraction = clock.substr(1, 3);
      millis = to_int(fraction);
      for (size_t pad = fraction.size(); pad < 3; ++pad) millis *= 10;
    }
  }
  if (hour > 23 || minute > 59 || second > 59) return bad_time(text, header);
  return shanghai_time(*date, hour, minute, second) + millis;
}

Result<bool> parse_bool_field(std::string_view text, std::string_view header) {
  std::string key(text);
  for (char& c : key) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (key == "true" || key == "1" || key == "y" || key == "yes" || key == "是") return true;
  if (key == "false" || key == "0" || key == "n" || key == "no" || key == "否") return false;
  return field_error(ErrorCode::kInvalidArgument, std::string(header),
                     "{} '{}' is not a boolean: expected true/false, 1/0, y/n or 是/否", header,
                     text);
}

}  // namespace mystocks::sources
