// Response compression and validators: gzip (zlib) for large compressible bodies when the client
// accepts it, and strong ETags (64-bit FNV-1a of the body) with If-None-Match -> 304.
// Pure functions: thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mystocks::gateway {

// True when an Accept-Encoding header value allows gzip (and does not give it q=0).
bool accepts_gzip(std::string_view accept_encoding);
bool is_compressible(std::string_view content_type);
// gzip-wrapped deflate of `body`; nullopt if zlib fails (the caller sends it uncompressed).
std::optional<std::string> gzip_compress(std::string_view body);

// "\"<16 hex digits>\""
std::string strong_etag(std::string_view body);
// True when an If-None-Match header value matches `etag` (a list, "*", or W/ variants).
bool etag_matches(std::string_view if_none_match, std::string_view etag);

}  // namespace mystocks::gateway
