#include "core/decimal.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdlib>
#include <limits>

#include <fmt/format.h>

namespace mystocks {
namespace {

// 128-bit intermediates make overflow checks exact; __extension__ keeps -Wpedantic quiet.
__extension__ using Int128 = __int128;

constexpr int64_t kPow10[] = {1LL,
                              10LL,
                              100LL,
                              1000LL,
                              10000LL,
                              100000LL,
                              1000000LL,
                              10000000LL,
                              100000000LL,
                              1000000000LL,
                              10000000000LL,
                              100000000000LL,
                              1000000000000LL,
                              10000000000000LL,
                              100000000000000LL,
                              1000000000000000LL,
                              10000000000000000LL,
                              100000000000000000LL,
                              1000000000000000000LL};

Status overflow(std::string_view field, std::string_view text) {
  return field_error(ErrorCode::kOutOfRange, std::string(field),
                     "{} '{}' does not fit in a 64-bit scaled decimal", field, text);
}

}  // namespace

int64_t pow10_int64(int exponent) {
  assert(exponent >= 0 && exponent <= Decimal::kMaxScale);
  return kPow10[exponent];
}

Decimal::Decimal(int64_t units, int scale) : units_(units), scale_(scale) {
  assert(scale >= 0 && scale <= kMaxScale);
}

Result<Decimal> Decimal::parse(std::string_view text, int scale, std::string_view field) {
  auto reject = [&](std::string_view why) {
    return field_error(ErrorCode::kInvalidDecimal, std::string(field), "{} '{}' {}", field, text,
                       why);
  };
  if (scale < 0 || scale > kMaxScale) return reject("has a scale outside 0..18");
  std::string_view rest = text;
  bool negative = false;
  if (!rest.empty() && (rest[0] == '-' || rest[0] == '+')) {
    negative = rest[0] == '-';
    rest.remove_prefix(1);
  }
  if (rest.empty()) return reject("is not a number: expected digits such as 12.34");
  // Fast path for short plain numbers ("1850.01", "100"), nearly every cell of an import: one
  // pass, no 128-bit arithmetic. At most 18 digits with whole digits + scale <= 18 cannot
  // overflow int64 once scaled. Anything else (trailing zeros past the scale, bad characters,
  // long numbers) takes the checked path below, which also words the errors.
  if (rest.size() <= 18) {
    int64_t units = 0;
    int digits = 0;
    int fraction_digits = -1;  // -1 until the dot
    bool plain = true;
    for (const char c : rest) {
      if (c == '.') {
        if (fraction_digits >= 0) {
          plain = false;
          break;
        }
        fraction_digits = 0;
        continue;
      }
      const unsigned digit = static_cast<unsigned>(c - '0');
      if (digit > 9) {
        plain = false;
        break;
      }
      units = units * 10 + digit;
      ++digits;
      if (fraction_digits >= 0) ++fraction_digits;
    }
    const int fraction = std::max(fraction_digits, 0);
    if (plain && digits > 0 && fraction <= scale && digits - fraction + scale <= 18) {
      units *= static_cast<int64_t>(kPow10[scale - fraction]);
      return Decimal(negative ? -units : units, scale);
    }
  }
  const size_t dot = rest.find('.');
  std::string_view whole = rest.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? std::string_view{} : rest.substr(dot + 1);
  if (whole.empty() && fraction.empty()) return reject("is not a number: expected digits such as 12.34");
  // Trailing zeros carry no value: "12.500" is fine at scale 2.
  while (fraction.size() > static_cast<size_t>(scale) && fraction.back() == '0') {
    fraction.remove_suffix(1);
  }
  if (fraction.size() > static_cast<size_t>(scale)) {
    return field_error(ErrorCode::kInvalidDecimal, std::string(field),
                       "{} '{}' has more than {} decimal places", field, text, scale);
  }
  Int128 units = 0;
  for (char c : whole) {
    if (c < '0' || c > '9') return reject("is not a number: expected digits such as 12.34");
    units = units * 10 + (c - '0');
    if (units > std::numeric_limits<int64_t>::max()) return overflow(field, text);
  }
  for (char c : fraction) {
    if (c < '0' || c > '9') return reject("is not a number: expected digits such as 12.34");
    units = units * 10 + (c - '0');
  }
  units *= kPow10[scale - fraction.size()];
  if (negative) units = -units;
  if (units > std::numeric_limits<int64_t>::max() || units < std::numeric_limits<int64_t>::min()) {
    return overflow(field, text);
  }
  return Decimal(static_cast<int64_t>(units), scale);
}

Result<Decimal> Decimal::from_double(double value, int scale, std::string_view field) {
  if (!std::isfinite(value)) {
    return field_error(ErrorCode::kInvalidDecimal, std::string(field),
                       "{} is {} and cannot be stored as a decimal", field, value);
  }
  if (scale < 0 || scale > kMaxScale) {
    return field_error(ErrorCode::kInvalidDecimal, std::string(field),
                       "{} has a scale {} outside 0..18", field, scale);
  }
  const long double scaled = std::round(static_cast<long double>(value) * kPow10[scale]);
  if (scaled >= 9.2e18L || scaled <= -9.2e18L) return overflow(field, fmt::format("{}", value));
  return Decimal(static_cast<int64_t>(scaled), scale);
}

double Decimal::to_double() const {
  return static_cast<double>(units_) / static_cast<double>(kPow10[scale_]);
}

std::string Decimal::to_string() const {
  const bool negative = units_ < 0;
  // Unsigned magnitude: INT64_MIN has no positive counterpart in int64.
  const uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(units_) : static_cast<uint64_t>(units_);
  if (scale_ == 0) return fmt::format("{}{}", negative ? "-" : "", magnitude);
  const uint64_t divisor = static_cast<uint64_t>(kPow10[scale_]);
  return fmt::format("{}{}.{:0{}}", negative ? "-" : "", magnitude / divisor, magnitude % divisor,
                     scale_);
}

Result<Decimal> Decimal::rescale(int new_scale) const {
  if (new_scale < 0 || new_scale > kMaxScale) {
    return error(ErrorCode::kInvalidDecimal, "scale {} is outside 0..18", new_scale);
  }
  if (new_scale >= scale_) {
    const Int128 units = static_cast<Int128>(units_) * kPow10[new_scale - scale_];
    if (units > std::numeric_limits<int64_t>::max() || units < std::numeric_limits<int64_t>::min()) {
      return overflow("value", to_string());
    }
    return Decimal(static_cast<int64_t>(units), new_scale);
  }
  const int64_t divisor = kPow10[scale_ - new_scale];
  int64_t quotient = units_ / divisor;
  const int64_t remainder = units_ % divisor;
  if (std::llabs(remainder) * 2 >= divisor) quotient += units_ < 0 ? -1 : 1;
  return Decimal(quotient, new_scale);
}

Result<Decimal> Decimal::add(const Decimal& other) const {
  const int scale = std::max(scale_, other.scale_);
  Result<Decimal> left = rescale(scale);
  Result<Decimal> right = other.rescale(scale);
  if (!left.is_ok()) return left.status();
  if (!right.is_ok()) return right.status();
  int64_t sum = 0;
  if (__builtin_add_overflow(left->units_, right->units_, &sum)) {
    return overflow("value", to_string() + " + " + other.to_string());
  }
  return Decimal(sum, scale);
}

Result<Decimal> Decimal::subtract(const Decimal& other) const {
  if (other.units_ == std::numeric_limits<int64_t>::min()) return overflow("value", other.to_string());
  return add(Decimal(-other.units_, other.scale_));
}

std::strong_ordering Decimal::operator<=>(const Decimal& other) const {
  const int scale = std::max(scale_, other.scale_);
  const Int128 left = static_cast<Int128>(units_) * kPow10[scale - scale_];
  const Int128 right = static_cast<Int128>(other.units_) * kPow10[scale - other.scale_];
  return left <=> right;
}

}  // namespace mystocks
