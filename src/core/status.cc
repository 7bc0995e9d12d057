#include "core/status.h"

namespace mystocks {

std::string Status::to_string() const {
  if (is_ok()) return "OK";
  return fmt::format("{}: {}", error_name(code_), message_);
}

Status Status::with_context(std::string_view context) const {
  if (is_ok()) return *this;
  return Status(code_, fmt::format("{}: {}", context, message_), field_);
}

}  // namespace mystocks
