#include "core/symbol.h"

#include <algorithm>
#include <cctype>
#include <optional>

namespace mystocks {
namespace {

constexpr std::string_view kAccepted =
    "expected six digits with an optional exchange SH, SZ or BJ "
    "(600519, 600519.SH, SH600519, sh.600519)";

std::optional<Exchange> exchange_from(std::string_view text) {
  if (text.size() != 2) return std::nullopt;
  const char first = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
  const char second = static_cast<char>(std::toupper(static_cast<unsigned char>(text[1])));
  if (first == 'S' && second == 'H') return Exchange::kSH;
  if (first == 'S' && second == 'Z') return Exchange::kSZ;
  if (first == 'B' && second == 'J') return Exchange::kBJ;
  return std::nullopt;
}

bool is_six_digits(std::string_view text) {
  return text.size() == 6 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string_view exchange_name(Exchange exchange) {
  switch (exchange) {
    case Exchange::kSH: return "SH";
    case Exchange::kSZ: return "SZ";
    case Exchange::kBJ: return "BJ";
  }
  return "??";
}

Exchange Symbol::infer_exchange(std::string_view six_digits) {
  if (six_digits.starts_with("92")) return Exchange::kBJ;
  switch (six_digits.front()) {
    case '6':
    case '9': return Exchange::kSH;
    case '4':
    case '8': return Exchange::kBJ;
    default: return Exchange::kSZ;  // 0, 1, 2, 3; 5 and 7 are rejected before we get here
  }
}

Result<Symbol> Symbol::parse(std::string_view text, std::string_view field) {
  auto reject = [&](std::string_view why) {
    return field_error(ErrorCode::kInvalidSymbol, std::string(field), "{} '{}' {}: {}", field,
                       text, why, kAccepted);
  };
  // Trim surrounding blanks only: users paste codes from spreadsheets.
  std::string_view input = text;
  while (!input.empty() && std::isspace(static_cast<unsigned char>(input.front()))) {
    input.remove_prefix(1);
  }
  while (!input.empty() && std::isspace(static_cast<unsigned char>(input.back()))) {
    input.remove_suffix(1);
  }
  if (input.empty()) return reject("is empty");

  std::string_view digits;
  std::optional<Exchange> exchange;
  if (input.size() == 6) {
    digits = input;
  } else if (input.size() == 9 && input[6] == '.') {  // 600519.SH
    digits = input.substr(0, 6);
    exchange = exchange_from(input.substr(7));
    if (!exchange) return reject("has an unknown exchange suffix");
  } else if (input.size() == 8 || (input.size() == 9 && input[2] == '.')) {  // SH600519, sh.600519
    exchange = exchange_from(input.substr(0, 2));
    if (!exchange) return reject("has an unknown exchange prefix");
    digits = input.substr(input.size() - 6);
  } else {
    return reject("has the wrong length");
  }
  if (!is_six_digits(digits)) return reject("does not have six digits");
  if (!exchange) {
    if (digits.front() == '5' || digits.front() == '7') {
      return reject("has no exchange and its first digit does not imply one");
    }
    exchange = infer_exchange(digits);
  }
  std::array<char, 6> code{};
  std::copy(digits.begin(), digits.end(), code.begin());
  return Symbol(code, *exchange);
}

std::string Symbol::to_string() const {
  std::string out(code());
  out += '.';
  out += exchange_name(exchange_);
  return out;
}

}  // namespace mystocks
