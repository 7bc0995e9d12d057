// Symbol: a China A-share security in canonical form "600519.SH" (six digits, dot, exchange).
// parse() accepts the spellings users type (600519, SH600519, sh600519, sh.600519, 600519.sh)
// and rejects everything else with a message naming the field and the accepted forms.
// Value type: immutable after construction, safe to share between threads.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace mystocks {

enum class Exchange : uint8_t { kSH, kSZ, kBJ };

std::string_view exchange_name(Exchange exchange);  // "SH", "SZ", "BJ"

class Symbol {
 public:
  // Parses any accepted spelling; `field` names the input in the error ("symbol", "symbols[3]").
  static Result<Symbol> parse(std::string_view text, std::string_view field = "symbol");

  // Exchange of a bare six-digit code by its first digits: 6/9 -> SH, 0/1/2/3 -> SZ, 4/8 -> BJ,
  // except 92xxxx, the Beijing exchange's code segment since 2024. Indices on SH (000300)
  // therefore need an explicit exchange: "000300.SH".
  static Exchange infer_exchange(std::string_view six_digits);

  std::string_view code() const { return {code_.data(), code_.size()}; }
  Exchange exchange() const { return exchange_; }
  std::string to_string() const;  // "600519.SH"

  friend auto operator<=>(const Symbol&, const Symbol&) = default;
  friend bool operator==(const Symbol&, const Symbol&) = default;

 private:
  Symbol(std::array<char, 6> code, Exchange exchange) : code_(code), exchange_(exchange) {}

  std::array<char, 6> code_;
  Exchange exchange_;
};

}  // namespace mystocks
