// Status and Result<T>: expected failures travel as values, never as exceptions across layers.
// A Status names a stable ErrorCode (core/error_code.h), a message for humans that names the
// thing, the value and what is accepted, and optionally the input field at fault.
// Value types: safe to copy and move between threads; not synchronised themselves.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include <fmt/format.h>

#include "core/error_code.h"

namespace mystocks {

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(ErrorCode code, std::string message, std::string field = {})
      : code_(code), message_(std::move(message)), field_(std::move(field)) {}

  static Status ok() { return {}; }

  bool is_ok() const { return code_ == ErrorCode::kOk; }
  explicit operator bool() const { return is_ok(); }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // The input field at fault ("symbol", "server.port"), empty when none applies.
  const std::string& field() const { return field_; }
  RetryClass retry() const { return error_info(code_).retry; }

  // "INVALID_SYMBOL: symbol 'abc' is not ..." for logs and CLI errors.
  std::string to_string() const;

  // Returns a copy whose message is prefixed with context ("loading config/x.yaml: ...").
  Status with_context(std::string_view context) const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
  std::string field_;
};

// Builds a failed Status with a formatted message: error(ErrorCode::kInvalidArgument, "...{}", x).
template <typename... Args>
Status error(ErrorCode code, fmt::format_string<Args...> format, Args&&... args) {
  return Status(code, fmt::format(format, std::forward<Args>(args)...));
}

// Same, naming the input field at fault.
template <typename... Args>
Status field_error(ErrorCode code, std::string field, fmt::format_string<Args...> format,
                   Args&&... args) {
  return Status(code, fmt::format(format, std::forward<Args>(args)...), std::move(field));
}

// A value or the Status explaining why there is none. Accessing value() of a failed Result is a
// programmer error (asserted), never reachable from user input when callers check ok() first.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit
  Result(Status status) : state_(std::in_place_index<1>, std::move(status)) {  // NOLINT: implicit
    assert(!std::get<1>(state_).is_ok() && "Result built from an OK status has no value");
  }

  bool is_ok() const { return state_.index() == 0; }
  explicit operator bool() const { return is_ok(); }

  T& value() & { assert(is_ok()); return std::get<0>(state_); }
  const T& value() const& { assert(is_ok()); return std::get<0>(state_); }
  T&& value() && { assert(is_ok()); return std::get<0>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  // A reference, so `result.status().message()` is safe on temporaries' members.
  const Status& status() const {
    static const Status kOkStatus;
    return is_ok() ? kOkStatus : std::get<1>(state_);
  }

 private:
  std::variant<T, Status> state_;
};

}  // namespace mystocks

// Propagates a failed Status from an expression that yields Status.
#define MYSTOCKS_RETURN_IF_ERROR(expr)          \
  do {                                          \
    ::mystocks::Status mystocks_status_ = (expr); \
    if (!mystocks_status_.is_ok()) return mystocks_status_; \
  } while (false)
