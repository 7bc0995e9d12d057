// Decimal: an exact decimal number stored as a scaled int64 (value = units / 10^scale). Prices
// are never rounded through float on the way in: parse() rejects digits beyond the scale instead
// of rounding them away. Value type: safe to copy between threads.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace mystocks {

class Decimal {
 public:
  static constexpr int kMaxScale = 18;

  Decimal() = default;
  // `units` already scaled: Decimal(123456, 2) is 1234.56. REQUIRES: 0 <= scale <= kMaxScale.
  Decimal(int64_t units, int scale);

  // Parses "-12.34", "12", "0.5" at `scale`; more fractional digits than `scale` (except trailing
  // zeros), an overflow or any other character is an error naming `field`.
  static Result<Decimal> parse(std::string_view text, int scale, std::string_view field = "value");
  // Rounds half away from zero to `scale`: for sources that only deliver doubles. Fails on NaN,
  // infinity and overflow.
  static Result<Decimal> from_double(double value, int scale, std::string_view field = "value");

  int64_t units() const { return units_; }
  int scale() const { return scale_; }
  double to_double() const;
  std::string to_string() const;  // always `scale` fractional digits: "1234.50"

  // Changes the scale; rounding half away from zero when it shrinks. Fails on overflow.
  Result<Decimal> rescale(int new_scale) const;

  // Exact arithmetic at the larger scale of the two; fails on overflow.
  Result<Decimal> add(const Decimal& other) const;
  Result<Decimal> subtract(const Decimal& other) const;

  // Compares values, not representations: 1.50 (scale 2) == 1.5 (scale 1).
  std::strong_ordering operator<=>(const Decimal& other) const;
  bool operator==(const Decimal& other) const { return (*this <=> other) == 0; }

 private:
  int64_t units_ = 0;
  int scale_ = 0;
};

// 10^exponent for 0 <= exponent <= 18.
int64_t pow10_int64(int exponent);

}  // namespace mystocks
