#include "indicators/convention.h"

namespace mystocks::indicators {

std::string_view convention_name(Convention convention) {
  switch (convention) {
    case Convention::kTaLib:
      return "ta_lib";
    case Convention::kChinaBroker:
      return "china_broker";
  }
  return "unknown";
}

Result<Convention> parse_convention(std::string_view name) {
  if (name == "ta_lib") return Convention::kTaLib;
  if (name == "china_broker") return Convention::kChinaBroker;
  return field_error(ErrorCode::kInvalidArgument, "convention",
                     "convention '{}' is not supported; expected 'ta_lib' or 'china_broker'", name);
}

}  // namespace mystocks::indicators
