#include "indicators/params.h"

#include <cmath>
#include <string>

namespace mystocks::indicators {

Status check_period(std::string_view name, int value, int min) {
  if (value >= min && value <= kMaxPeriod) return Status::ok();
  return field_error(ErrorCode::kInvalidArgument, std::string(name),
                     "parameter '{}' is {}; expected an integer from {} to {}", name, value, min,
                     kMaxPeriod);
}

Status check_real(std::string_view name, double value, double min, double max) {
  if (std::isfinite(value) && value >= min && value <= max) return Status::ok();
  return field_error(ErrorCode::kInvalidArgument, std::string(name),
                     "parameter '{}' is {}; expected a number from {} to {}", name, value, min,
                     max);
}

}  // namespace mystocks::indicators
