// The one JSON response envelope (ARCHITECTURE.md "Serving"):
//   {success, code, message, data, timestamp, request_id}
//   + errors[{field, code, message}] on failure, + pagination{page, size, total, pages} on lists.
// Handlers return an ApiReply; the router turns it into bytes exactly once, here. `code` is the
// stable number from core/error_code.h (0 on success), and the HTTP status comes from the same
// registry, so the mapping exists in one place. Pure functions: safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "core/status.h"
#include "gateway/http_types.h"

namespace mystocks::gateway {

struct FieldError {
  std::string field;
  std::string code;  // stable name, e.g. "INVALID_SYMBOL"
  std::string message;
};

struct Pagination {
  int64_t page = 1;
  int64_t size = 0;
  int64_t total = 0;
};

// What a handler answers: a value for the envelope, a failure, or a raw (non-envelope) response
// for documents that must keep their own format (/metrics, /api/openapi.json, static files).
struct ApiReply {
  Status status;
  boost::json::value data;
  // Pre-serialised JSON of `data` for large payloads written without a tree; when not empty it
  // is what the envelope carries (and the ETag covers) and `data` is ignored.
  std::string data_text;
  std::string message;
  std::vector<FieldError> errors;  // extra field errors; status.field() is added automatically
  std::optional<Pagination> pagination;
  std::optional<HttpResponse> raw;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers for the envelope
  // HTTP status of a success; 0 = the code's (200). A failure always uses its code's status.
  int success_status = 0;

  static ApiReply ok(boost::json::value data, std::string message = "success");
  // 202 Accepted with `Location: location`: the work goes on in the background; follow it there.
  static ApiReply accepted(boost::json::value data, std::string location, std::string message);
  static ApiReply ok_text(std::string data_text);
  static ApiReply page(boost::json::value items, Pagination pagination);
  static ApiReply fail(Status status);
  static ApiReply fail(Status status, std::vector<FieldError> errors);
  static ApiReply raw_response(HttpResponse response);
};

// Serialises an envelope reply with the given request id and time; returns the HTTP response.
// `data_text`, when not empty, is reply.data already serialised (the router has it from the
// ETag), so large payloads are written once and never copied into the envelope object.
HttpResponse render_envelope(const ApiReply& reply, const std::string& request_id,
                             int64_t timestamp_ms, std::string_view data_text = {});

// An envelope split around its per-request members: body = head + "\"timestamp\":T,
// \"request_id\":\"R\"" + tail. The response cache keeps head and tail of a success and
// writes only the middle per request (gateway/response_cache.h); render_envelope uses the same
// split, so both produce identical bytes.
struct EnvelopeParts {
  std::string head;  // "{" success, code, message, data ","
  std::string tail;  // errors and pagination members (each led by ','), then "}"
};
EnvelopeParts render_envelope_parts(const ApiReply& reply, std::string_view data_text = {});
// Writes head + timestamp + request id + tail into `out` (replacing its contents).
void assemble_envelope(std::string_view head, std::string_view tail,
                       const std::string& request_id, int64_t timestamp_ms, std::string& out);

// Shorthand for failures raised outside handlers (404, 405, 400 from the parser, 413).
HttpResponse render_error(const Status& status, const std::string& request_id,
                          int64_t timestamp_ms);

}  // namespace mystocks::gateway
