#include "gateway/compression.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>

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

std::optional<GzipPrefix> gzip_prefix(std::string_view head) {
  z_stream stream{};
  // Raw deflate (negative windowBits): the gzip header and trailer are written here.
  if (deflateInit2(&stream, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) return std::nullopt;
  GzipPrefix prefix;
  static constexpr unsigned char kHeader[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff};
  prefix.bytes.assign(reinterpret_cast<const char*>(kHeader), sizeof(kHeader));
  // deflateBound covers a finished stream; a sync flush adds at most its 5-byte empty block.
  prefix.bytes.resize(sizeof(kHeader) + deflateBound(&stream, static_cast<uLong>(head.size())) + 16);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(head.data()));
  stream.avail_in = static_cast<uInt>(head.size());
  stream.next_out = reinterpret_cast<Bytef*>(prefix.bytes.data() + sizeof(kHeader));
  stream.avail_out = static_cast<uInt>(prefix.bytes.size() - sizeof(kHeader));
  const int result = deflate(&stream, Z_SYNC_FLUSH);
  const bool complete = result == Z_OK && stream.avail_in == 0 && stream.avail_out > 0;
  const size_t written = stream.total_out;
  deflateEnd(&stream);
  if (!complete) return std::nullopt;
  prefix.bytes.resize(sizeof(kHeader) + written);
  prefix.crc = static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(head.data()), static_cast<uInt>(head.size())));
  prefix.size = head.size();
  return prefix;
}

void gzip_complete(const GzipPrefix& prefix, std::string_view rest, std::string& out) {
  constexpr size_t kStoredMax = 65535;  // a stored block's LEN is 16 bits
  out.clear();
  out.reserve(prefix.bytes.size() + rest.size() + 5 * (rest.size() / kStoredMax + 1) + 8);
  out += prefix.bytes;
  size_t offset = 0;
  do {
    const size_t length = std::min(kStoredMax, rest.size() - offset);
    const bool last = offset + length == rest.size();
    // BFINAL bit, BTYPE 00 (stored), padding to the byte boundary; then LEN and NLEN little-endian.
    out += static_cast<char>(last ? 1 : 0);
    out += static_cast<char>(length & 0xff);
    out += static_cast<char>((length >> 8) & 0xff);
    out += static_cast<char>(~length & 0xff);
    out += static_cast<char>((~length >> 8) & 0xff);
    out.append(rest.substr(offset, length));
    offset += length;
  } while (offset < rest.size());
  const uLong rest_crc =
      crc32(0, reinterpret_cast<const Bytef*>(rest.data()), static_cast<uInt>(rest.size()));
  const uint32_t crc = static_cast<uint32_t>(
      crc32_combine(prefix.crc, rest_crc, static_cast<z_off_t>(rest.size())));
  const uint32_t total = static_cast<uint32_t>(prefix.size + rest.size());  // ISIZE: mod 2^32
  for (uint32_t word : {crc, total}) {
    for (int shift = 0; shift < 32; shift += 8) out += static_cast<char>((word >> shift) & 0xff);
  }
}

namespace {

// 64-bit multiply-xor mixing, four independent lanes of 8-byte words: byte-at-a-time FNV-1a is
// one dependent multiply per byte (~50 us for a 28 KB K-line body, a quarter of an uncached
// request); four lanes keep the multiplier busy and take ~1/20 of that. Not a cryptographic hash:
// an ETag only has to change when the body does.
constexpr uint64_t kLanePrime = 0x9e3779b97f4a7c15ULL;

uint64_t load_word(const char* bytes) {
  uint64_t word = 0;
  std::memcpy(&word, bytes, sizeof(word));
  return word;
}

uint64_t mix_lane(uint64_t lane, uint64_t word) {
  lane ^= word;
  lane *= kLanePrime;
  return std::rotl(lane, 29);
}

// Spreads every input bit over the whole result (the murmur3 64-bit finaliser's constants).
uint64_t finalise(uint64_t hash) {
  hash ^= hash >> 33;
  hash *= 0xff51afd7ed558ccdULL;
  hash ^= hash >> 33;
  hash *= 0xc4ceb9fe1a85ec53ULL;
  hash ^= hash >> 33;
  return hash;
}

uint64_t body_hash(std::string_view body) {
  uint64_t lanes[4] = {0x243f6a8885a308d3ULL, 0x13198a2e03707344ULL, 0xa4093822299f31d0ULL,
                       0x082efa98ec4e6c89ULL};
  const char* bytes = body.data();
  size_t left = body.size();
  for (; left >= 32; bytes += 32, left -= 32) {
    for (int lane = 0; lane < 4; ++lane) {
      lanes[lane] = mix_lane(lanes[lane], load_word(bytes + 8 * lane));
    }
  }
  for (int lane = 0; left >= 8; bytes += 8, left -= 8, ++lane) {
    lanes[lane] = mix_lane(lanes[lane], load_word(bytes));
  }
  uint64_t tail = 0;
  std::memcpy(&tail, bytes, left);
  uint64_t hash = mix_lane(body.size(), tail);
  for (const uint64_t lane : lanes) hash = mix_lane(hash, finalise(lane));
  return finalise(hash);
}

}  // namespace

std::string strong_etag(std::string_view body) {
  return fmt::format("\"{:016x}\"", body_hash(body));
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
