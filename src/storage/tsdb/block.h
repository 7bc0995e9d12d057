// Block framing: the unit of checksumming on disk. A block is
//   [u8 outer codec][u8 0][u16 0][u32 encoded length][u32 stored length][stored bytes]
//   [u32 crc32c of header + stored bytes]
// Every column chunk and every segment index is one block. Pure functions: any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"
#include "storage/tsdb/compression.h"

namespace mystocks::tsdb {

inline constexpr size_t kBlockHeaderBytes = 12;
inline constexpr size_t kBlockTrailerBytes = 4;
// No block encodes more than this; a larger length in a header is corruption.
inline constexpr size_t kMaxBlockBytes = size_t{1} << 30;

// Appends a framed block holding `encoded`; returns the number of bytes appended.
size_t append_block(std::string_view encoded, const CompressionOptions& options, std::string& out);

// Verifies the framing and checksum of one framed block (exactly its bytes) without decoding
// it: what copying a block verbatim needs. DATA_LOSS describing the problem otherwise.
Status verify_block(std::string_view framed);

// Verifies the checksum of one framed block (exactly its bytes) and appends the decoded
// (decompressed) inner bytes to `encoded`. DATA_LOSS describing the problem otherwise; the
// caller adds which file and offset.
Status read_block(std::string_view framed, std::string& encoded);

}  // namespace mystocks::tsdb
