// Logging: spdlog with one JSON object per line (or plain text) on stderr or a file. Every line
// carries the request id of the request being handled on this thread, set by RequestIdScope at
// the top of request handling, so one grep follows a request through every layer.
// init() runs once on the main thread before other threads start; logging itself is thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/config.h"
#include "core/status.h"

namespace mystocks::logging {

// Installs the default logger ("mystocks") per `config`; an unwritable file is an error.
Status init(const LoggingConfig& config);

// The request id bound to this thread, empty when none.
std::string_view current_request_id();

// Binds a request id to the current thread for its lifetime (restores the previous one).
class RequestIdScope {
 public:
  explicit RequestIdScope(std::string_view request_id);
  ~RequestIdScope();
  RequestIdScope(const RequestIdScope&) = delete;
  RequestIdScope& operator=(const RequestIdScope&) = delete;

 private:
  std::string previous_;
};

// Appends `text` to `out` escaped for a JSON string body (no surrounding quotes).
void append_json_escaped(std::string& out, std::string_view text);

}  // namespace mystocks::logging
