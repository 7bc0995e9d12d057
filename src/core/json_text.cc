#include "core/json_text.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>

#include "core/decimal.h"

namespace mystocks {
namespace {

namespace json = boost::json;

void append_escaped(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  size_t plain_from = 0;
  for (size_t index = 0; index < text.size(); ++index) {
    const auto byte = static_cast<unsigned char>(text[index]);
    if (byte >= 0x20 && byte != '"' && byte != '\\') continue;
    out.append(text.substr(plain_from, index - plain_from));
    plain_from = index + 1;
    switch (byte) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        out += "\\u00";
        out.push_back(kHex[byte >> 4]);
        out.push_back(kHex[byte & 0xF]);
    }
  }
  out.append(text.substr(plain_from));
  out.push_back('"');
}

template <typename Integer>
void append_integer(std::string& out, Integer value) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out.append(buffer, end);
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) { append_escaped(out, text); }

void append_json_double(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  const double magnitude = std::fabs(value);
  const bool plain = magnitude == 0 || (magnitude >= 1e-6 && magnitude < 1e21);
  char buffer[64];
  auto [end, ec] =
      plain ? std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::fixed)
            : std::to_chars(buffer, buffer + sizeof(buffer), value);
  out.append(buffer, end);
  // Integral values keep a fraction ("27.0", as Python prints them), so a double column stays a
  // float column for typed readers.
  if (plain && std::find(buffer, end, '.') == end) out += ".0";
}

void append_decimal_text(std::string& out, int64_t units, int scale) {
  if (scale == 0) {
    append_integer(out, units);
    return;
  }
  const int64_t divisor = pow10_int64(scale);
  // Work on the magnitude in unsigned arithmetic so INT64_MIN has no overflow.
  const bool negative = units < 0;
  const uint64_t magnitude =
      negative ? 0 - static_cast<uint64_t>(units) : static_cast<uint64_t>(units);
  uint64_t fraction = magnitude % static_cast<uint64_t>(divisor);
  if (negative && magnitude != 0) out.push_back('-');
  append_integer(out, magnitude / static_cast<uint64_t>(divisor));
  if (fraction == 0) return;
  int digits = scale;
  while (fraction % 10 == 0) {
    fraction /= 10;
    --digits;
  }
  char buffer[20];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), fraction);
  out.push_back('.');
  out.append(static_cast<size_t>(digits - (end - buffer)), '0');
  out.append(buffer, end);
}

void append_json(std::string& out, const json::value& value) {
  switch (value.kind()) {
    case json::kind::null:
      out += "null";
      return;
    case json::kind::bool_:
      out += value.get_bool() ? "true" : "false";
      return;
    case json::kind::int64:
      append_integer(out, value.get_int64());
      return;
    case json::kind::uint64:
      append_integer(out, value.get_uint64());
      return;
    case json::kind::double_:
      append_json_double(out, value.get_double());
      return;
    case json::kind::string:
      append_escaped(out, value.get_string());
      return;
    case json::kind::array: {
      out.push_back('[');
      bool first = true;
      for (const json::value& element : value.get_array()) {
        if (!first) out.push_back(',');
        first = false;
        append_json(out, element);
      }
      out.push_back(']');
      return;
    }
    case json::kind::object: {
      out.push_back('{');
      bool first = true;
      for (const json::key_value_pair& member : value.get_object()) {
        if (!first) out.push_back(',');
        first = false;
        append_escaped(out, member.key());
        out.push_back(':');
        append_json(out, member.value());
      }
      out.push_back('}');
      return;
    }
  }
}

std::string to_json_text(const json::value& value) {
  std::string out;
  append_json(out, value);
  return out;
}

}  // namespace mystocks
