// Request ids: taken from the client's X-Request-ID when well formed (1-64 characters of
// [A-Za-z0-9._:-]), otherwise generated as a random UUIDv4. Thread-safe (per-thread generator).
#pragma once

#include <string>
#include <string_view>

namespace mystocks::gateway {

bool is_well_formed_request_id(std::string_view candidate);
std::string generate_request_id();
// The id to use for a request given its X-Request-ID header value (possibly empty).
std::string choose_request_id(std::string_view header_value);

}  // namespace mystocks::gateway
