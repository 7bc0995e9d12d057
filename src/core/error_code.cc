#include "core/error_code.h"

#include <array>

namespace mystocks {
namespace {

using enum ErrorCode;
using enum RetryClass;

constexpr std::array kRegistry{
    ErrorInfo{kOk, "OK", kNone, 200, "success"},
    ErrorInfo{kInvalidArgument, "INVALID_ARGUMENT", kNever, 400, "a parameter is invalid"},
    ErrorInfo{kInvalidSymbol, "INVALID_SYMBOL", kNever, 400, "a symbol cannot be parsed"},
    ErrorInfo{kInvalidTimestamp, "INVALID_TIMESTAMP", kNever, 400, "a date or time is invalid"},
    ErrorInfo{kInvalidDecimal, "INVALID_DECIMAL", kNever, 400, "a decimal number is invalid"},
    ErrorInfo{kInvalidConfig, "INVALID_CONFIG", kNever, 500, "the configuration is invalid"},
    ErrorInfo{kMalformedRequest, "MALFORMED_REQUEST", kNever, 400, "the HTTP request is malformed"},
    ErrorInfo{kPayloadTooLarge, "PAYLOAD_TOO_LARGE", kNever, 413, "the body exceeds the limit"},
    ErrorInfo{kOutOfRange, "OUT_OF_RANGE", kNever, 400, "a value is outside its valid range"},
    ErrorInfo{kSchemaMismatch, "SCHEMA_MISMATCH", kNever, 400, "data does not match its schema"},
    ErrorInfo{kNotFound, "NOT_FOUND", kNever, 404, "the resource does not exist"},
    ErrorInfo{kRouteNotFound, "ROUTE_NOT_FOUND", kNever, 404, "no route has this path"},
    ErrorInfo{kMethodNotAllowed, "METHOD_NOT_ALLOWED", kNever, 405,
              "the route exists but not for this method"},
    ErrorInfo{kAlreadyExists, "ALREADY_EXISTS", kNever, 409, "the resource already exists"},
    ErrorInfo{kUnauthenticated, "UNAUTHENTICATED", kNever, 401, "credentials are missing or bad"},
    ErrorInfo{kPermissionDenied, "PERMISSION_DENIED", kNever, 403, "the caller may not do this"},
    ErrorInfo{kFailedPrecondition, "FAILED_PRECONDITION", kNever, 409,
              "the system is not in a state that allows this"},
    ErrorInfo{kAborted, "ABORTED", kRetryHigher, 409, "a conflict aborted the operation"},
    ErrorInfo{kResourceExhausted, "RESOURCE_EXHAUSTED", kRetryCall, 503, "a bounded resource is full"},
    ErrorInfo{kRateLimited, "RATE_LIMIT_EXCEEDED", kRetryCall, 429, "too many requests"},
    ErrorInfo{kUnsupported, "UNSUPPORTED", kNever, 501, "the operation is not supported"},
    ErrorInfo{kInternal, "INTERNAL", kNever, 500, "an internal error"},
    ErrorInfo{kUnavailable, "UNAVAILABLE", kRetryCall, 503, "a dependency is unavailable"},
    ErrorInfo{kDeadlineExceeded, "DEADLINE_EXCEEDED", kRetryCall, 504, "the operation timed out"},
    ErrorInfo{kDataLoss, "DATA_LOSS", kNever, 500, "stored data is corrupt"},
    ErrorInfo{kCancelled, "CANCELLED", kNever, 499, "the operation was cancelled"},
    ErrorInfo{kIoError, "IO_ERROR", kRetryCall, 500, "an I/O operation failed"},
};

}  // namespace

const ErrorInfo& error_info(ErrorCode code) {
  for (const ErrorInfo& info : kRegistry) {
    if (info.code == code) return info;
  }
  for (const ErrorInfo& info : kRegistry) {
    if (info.code == ErrorCode::kInternal) return info;
  }
  return kRegistry[0];  // unreachable: kInternal is registered
}

std::span<const ErrorInfo> all_error_codes() {
  return kRegistry;
}

}  // namespace mystocks
