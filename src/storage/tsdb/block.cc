#include "storage/tsdb/block.h"

#include <cstring>

#include "storage/tsdb/byte_stream.h"
#include "storage/tsdb/crc32c.h"

namespace mystocks::tsdb {

size_t append_block(std::string_view encoded, const CompressionOptions& options, std::string& out) {
  const size_t start = out.size();
  out.resize(start + kBlockHeaderBytes);
  const Compression used = compress(encoded, options, out);
  const auto stored = static_cast<uint32_t>(out.size() - start - kBlockHeaderBytes);
  const auto decoded = static_cast<uint32_t>(encoded.size());
  char* header = out.data() + start;
  header[0] = static_cast<char>(used);
  header[1] = header[2] = header[3] = 0;
  std::memcpy(header + 4, &decoded, 4);
  std::memcpy(header + 8, &stored, 4);
  const uint32_t crc = crc32c(std::string_view(out.data() + start, out.size() - start));
  ByteWriter(out).put_u32(crc);
  return out.size() - start;
}

namespace {

struct BlockHeader {
  uint8_t codec = 0;
  uint32_t decoded = 0;
  uint32_t stored = 0;
};

// The header of a framed block whose length, checksum and header fields are consistent.
Result<BlockHeader> checked_header(std::string_view framed) {
  if (framed.size() < kBlockHeaderBytes + kBlockTrailerBytes) {
    return error(ErrorCode::kDataLoss, "block of {} bytes is shorter than its framing",
                 framed.size());
  }
  ByteReader header(framed);
  uint8_t codec = 0;
  uint8_t reserved8 = 0;
  uint16_t reserved16 = 0;
  uint32_t decoded = 0;
  uint32_t stored = 0;
  (void)(header.get_u8(codec) && header.get_u8(reserved8) && header.get_u16(reserved16) &&
         header.get_u32(decoded) && header.get_u32(stored));
  if (stored != framed.size() - kBlockHeaderBytes - kBlockTrailerBytes) {
    return error(ErrorCode::kDataLoss, "block says it stores {} bytes but spans {}", stored,
                 framed.size() - kBlockHeaderBytes - kBlockTrailerBytes);
  }
  uint32_t expected_crc = 0;
  std::memcpy(&expected_crc, framed.data() + framed.size() - kBlockTrailerBytes, 4);
  const uint32_t actual_crc = crc32c(framed.substr(0, framed.size() - kBlockTrailerBytes));
  if (actual_crc != expected_crc) {
    return error(ErrorCode::kDataLoss, "block checksum mismatch (stored {:08x}, computed {:08x})",
                 expected_crc, actual_crc);
  }
  if (codec > static_cast<uint8_t>(Compression::kLz4) || decoded > kMaxBlockBytes) {
    return error(ErrorCode::kDataLoss, "block header is invalid (codec {}, {} decoded bytes)",
                 codec, decoded);
  }
  return BlockHeader{codec, decoded, stored};
}

}  // namespace

Status verify_block(std::string_view framed) { return checked_header(framed).status(); }

Status read_block(std::string_view framed, std::string& encoded) {
  Result<BlockHeader> header = checked_header(framed);
  if (!header.is_ok()) return header.status();
  return decompress(static_cast<Compression>(header->codec),
                    framed.substr(kBlockHeaderBytes, header->stored), header->decoded, encoded);
}

}  // namespace mystocks::tsdb
