// The outer codec of every block: zstd (default), lz4 or none, applied to the inner column
// encoding. compress() falls back to storing the bytes as they are when compression would not
// make them smaller. Safe from any thread (compression contexts are per thread).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace mystocks::tsdb {

enum class Compression : uint8_t { kNone = 0, kZstd = 1, kLz4 = 2 };

struct CompressionOptions {
  Compression kind = Compression::kZstd;
  int zstd_level = 3;  // 1..19; 3 is zstd's own default
};

std::string_view compression_name(Compression kind);
// "zstd", "lz4" or "none"; INVALID_ARGUMENT naming the accepted values otherwise.
Result<Compression> parse_compression(std::string_view name);

// Appends the compressed form of `input` to `out` and returns the codec actually used.
Compression compress(std::string_view input, const CompressionOptions& options, std::string& out);

// Appends exactly `decoded_size` bytes decoded from `stored` to `out`; DATA_LOSS otherwise.
Status decompress(Compression kind, std::string_view stored, size_t decoded_size, std::string& out);

}  // namespace mystocks::tsdb
