#include "indicators/ohlcv.h"

#include <optional>

namespace mystocks::indicators {

namespace {
constexpr Field kAllFields[] = {Field::kOpen,  Field::kHigh,   Field::kLow,
                                Field::kClose, Field::kVolume, Field::kAmount};
}  // namespace

std::string_view field_name(Field field) {
  switch (field) {
    case Field::kOpen:
      return "open";
    case Field::kHigh:
      return "high";
    case Field::kLow:
      return "low";
    case Field::kClose:
      return "close";
    case Field::kVolume:
      return "volume";
    case Field::kAmount:
      return "amount";
  }
  return "unknown";
}

std::span<const double> OhlcvColumns::column(Field field) const {
  switch (field) {
    case Field::kOpen:
      return open;
    case Field::kHigh:
      return high;
    case Field::kLow:
      return low;
    case Field::kClose:
      return close;
    case Field::kVolume:
      return volume;
    case Field::kAmount:
      return amount;
  }
  return {};
}

Result<size_t> check_columns(const OhlcvColumns& columns, FieldMask required) {
  std::optional<Field> first;
  size_t length = 0;
  for (Field field : kAllFields) {
    if ((required & field_bit(field)) == 0) continue;
    size_t size = columns.column(field).size();
    if (!first) {
      first = field;
      length = size;
    } else if (size != length) {
      return field_error(ErrorCode::kInvalidArgument, std::string(field_name(field)),
                         "column '{}' has {} values but column '{}' has {}; all input columns "
                         "must have the same length",
                         field_name(field), size, field_name(*first), length);
    }
  }
  return length;
}

}  // namespace mystocks::indicators
