// Inputs of the indicators: one bar (Ohlcv) for incremental updates and a set of column views
// (OhlcvColumns) for batch calls. A NaN field marks a missing value: every indicator skips a bar
// whose required fields are NaN (see docs/indicators.md, "Missing values").
// Thread-safety: plain values and non-owning views; the viewed columns must outlive the call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string_view>

#include "core/status.h"

namespace mystocks::indicators {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

enum class Field : uint8_t { kOpen, kHigh, kLow, kClose, kVolume, kAmount };

// Bit set of Fields, e.g. fields(Field::kHigh, Field::kLow, Field::kClose).
using FieldMask = uint8_t;
constexpr FieldMask field_bit(Field field) {
  return static_cast<FieldMask>(1u << static_cast<unsigned>(field));
}
template <typename... Fields>
constexpr FieldMask fields(Fields... list) {
  return static_cast<FieldMask>((field_bit(list) | ... | 0));
}

std::string_view field_name(Field field);

// One bar. Fields an indicator does not use may stay NaN.
struct Ohlcv {
  double open = kNaN;
  double high = kNaN;
  double low = kNaN;
  double close = kNaN;
  double volume = kNaN;
  double amount = kNaN;  // traded value (成交额); no indicator here requires it
};

// Column views of one series, oldest bar first. Columns an indicator does not use may be empty;
// the ones it uses must all have the same length.
struct OhlcvColumns {
  std::span<const double> open;
  std::span<const double> high;
  std::span<const double> low;
  std::span<const double> close;
  std::span<const double> volume;
  std::span<const double> amount;

  std::span<const double> column(Field field) const;
};

// Checks that every field in `required` is present and that they share one length; returns it.
// An empty series (all required columns empty) is valid and yields 0.
Result<size_t> check_columns(const OhlcvColumns& columns, FieldMask required);

}  // namespace mystocks::indicators
