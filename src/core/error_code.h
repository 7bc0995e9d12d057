// The one registry of stable error codes (docs/error-codes.md). Numbers are never reused or
// renumbered; each code carries its retry meaning and is mapped here, once, to an HTTP status.
// Thread-safe: everything here is constant data.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace mystocks {

// Retry meaning of a failure, as Abseil documents its canonical codes.
enum class RetryClass : uint8_t {
  kNone,         // success
  kNever,        // the caller's input or state is wrong: do not retry
  kRetryCall,    // transient: retry the same call (circuit breakers count these)
  kRetryHigher,  // conflict: retry the whole operation at a higher level
};

enum class ErrorCode : int32_t {
  kOk = 0,
  // 1xxx: the request or input is wrong (never retry).
  kInvalidArgument = 1000,
  kInvalidSymbol = 1001,
  kInvalidTimestamp = 1002,
  kInvalidDecimal = 1003,
  kInvalidConfig = 1004,
  kMalformedRequest = 1005,
  kPayloadTooLarge = 1006,
  kOutOfRange = 1007,
  kSchemaMismatch = 1008,
  // 2xxx: addressing.
  kNotFound = 2000,
  kRouteNotFound = 2001,
  kMethodNotAllowed = 2002,
  kAlreadyExists = 2003,
  // 3xxx: authentication and authorisation.
  kUnauthenticated = 3000,
  kPermissionDenied = 3001,
  // 4xxx: state and limits.
  kFailedPrecondition = 4000,
  kAborted = 4001,
  kResourceExhausted = 4002,
  kRateLimited = 4003,
  kUnsupported = 4004,
  // 5xxx: the system or an upstream.
  kInternal = 5000,
  kUnavailable = 5001,
  kDeadlineExceeded = 5002,
  kDataLoss = 5003,
  kCancelled = 5004,
  kIoError = 5005,
};

struct ErrorInfo {
  ErrorCode code;
  std::string_view name;  // stable SCREAMING_SNAKE name used in envelopes and Socket.IO errors
  RetryClass retry;
  int http_status;
  std::string_view summary;
};

// Returns the registry entry; unknown values map to kInternal's entry.
const ErrorInfo& error_info(ErrorCode code);

// All registered codes in ascending order (for docs and tests).
std::span<const ErrorInfo> all_error_codes();

inline std::string_view error_name(ErrorCode code) { return error_info(code).name; }
inline int http_status_of(ErrorCode code) { return error_info(code).http_status; }

}  // namespace mystocks
