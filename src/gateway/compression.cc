#include "gateway/compression.h"

#include <cstdint>

#include <fmt/format.h>
#include <zlib.h>

namespace mystocks::gateway {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

bool accepts_gzip(std::string_view accept_encoding) {
  size_t start = 0;
  while (start <= accept_encoding.size()) {
    size_t end = accept_encoding.find(',', start);
    if (end == std::string_view::npos) end = accept_encoding.size();
    std::string_view item = trim(accept_encoding.substr(start, end - start));
    const size_t semicolon = item.find(';');
    const std::string_view coding = trim(item.substr(0, semicolon));
    if (coding == "gzip" || coding == "*") {
      const std::string_view params = semicolon == std::string_view::npos ? "" : item.substr(semicolon + 1);
      const bool refused = params.find("q=0") != std::string_view::npos &&
                           params.find("q=0.") == std::string_view::npos;
      return !refused;
    }
    start = end + 1;
  }
  return false;
}

bool is_compressible(std::string_view content_type) {
  return content_type.starts_with("application/json") || content_type.starts_with("text/") ||
         content_type.starts_with("application/javascript");
}

std::optional<std::string> gzip_compress(std::string_view body) {
  z_stream stream{};
  // windowBits 15 + 16 asks zlib for the gzip wrapper; level 6 is zlib's speed/size default.
  if (deflateInit2(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return std::nullopt;
  std::string out(deflateBound(&stream, static_cast<uLong>(body.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
  stream.avail_in = static_cast<uInt>(body.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int result = deflate(&stream, Z_FINISH);
  const size_t written = stream.total_out;
  deflateEnd(&stream);
  if (result != Z_STREAM_END) return std::nullopt;
  out.resize(written);
  return out;
}

std::string strong_etag(std::string_view body) {
  uint64_t hash = 14695981039346656037ULL;
  for (const char c : body) {
    hash ^= static_cast<uint8_t>(c);
    hash *= 1099511628211ULL;
  }
  return fmt::format("\"{:016x}\"", hash);
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  size_t start = 0;
  while (start <= if_none_match.size()) {
    size_t end = if_none_match.find(',', start);
    if (end == std::string_view::npos) end = if_none_match.size();
    std::string_view candidate = trim(if_none_match.substr(start, end - start));
    if (candidate.starts_with("W/")) candidate.remove_prefix(2);  // weak comparison for GET
    if (candidate == "*" || candidate == etag) return true;
    start = end + 1;
  }
  return false;
}

}  // namespace mystocks::gateway
