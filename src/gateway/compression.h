// Response compression and validators: gzip (zlib) for large compressible bodies when the client
// accepts it, and strong ETags (64-bit FNV-1a of the body) with If-None-Match -> 304.
// Pure functions: thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mystocks::gateway {

// True when an Accept-Encoding header value allows gzip (and does not give it q=0).
bool accepts_gzip(std::string_view accept_encoding);
bool is_compressible(std::string_view content_type);
// gzip-wrapped deflate of `body`; nullopt if zlib fails (the caller sends it uncompressed).
std::optional<std::string> gzip_compress(std::string_view body);

// A gzip member whose compressed part is fixed and whose few last bytes change per response
// (the envelope's request id and time): the head is deflated once, ending on a byte boundary
// (sync flush) so stored blocks can follow; gzip_complete() appends the rest uncompressed and
// the trailer (CRC-32 combined, length). The result is one valid gzip member of head + rest.
struct GzipPrefix {
  std::string bytes;   // gzip header + deflate blocks of the head, not final
  uint32_t crc = 0;    // CRC-32 of the head
  uint64_t size = 0;   // bytes in the head
};
std::optional<GzipPrefix> gzip_prefix(std::string_view head);
// Writes prefix + stored blocks of `rest` + trailer into `out` (replacing its contents).
void gzip_complete(const GzipPrefix& prefix, std::string_view rest, std::string& out);

// "\"<16 hex digits>\""
std::string strong_etag(std::string_view body);
// True when an If-None-Match header value matches `etag` (a list, "*", or W/ variants).
bool etag_matches(std::string_view if_none_match, std::string_view etag);

}  // namespace mystocks::gateway
