#include "storage/tsdb/compression.h"

#include <lz4.h>
#include <zstd.h>

#include <limits>
#include <memory>

namespace mystocks::tsdb {
namespace {

struct CCtxDeleter {
  void operator()(ZSTD_CCtx* context) const { ZSTD_freeCCtx(context); }
};
struct DCtxDeleter {
  void operator()(ZSTD_DCtx* context) const { ZSTD_freeDCtx(context); }
};

// One context per thread: creating one costs more than compressing a small block.
ZSTD_CCtx* compression_context() {
  thread_local std::unique_ptr<ZSTD_CCtx, CCtxDeleter> context(ZSTD_createCCtx());
  return context.get();
}
ZSTD_DCtx* decompression_context() {
  thread_local std::unique_ptr<ZSTD_DCtx, DCtxDeleter> context(ZSTD_createDCtx());
  return context.get();
}

}  // namespace

std::string_view compression_name(Compression kind) {
  switch (kind) {
    case Compression::kNone: return "none";
    case Compression::kZstd: return "zstd";
    case Compression::kLz4: return "lz4";
  }
  return "unknown";
}

Result<Compression> parse_compression(std::string_view name) {
  for (Compression kind : {Compression::kZstd, Compression::kLz4, Compression::kNone}) {
    if (name == compression_name(kind)) return kind;
  }
  return error(ErrorCode::kInvalidArgument, "compression '{}' is unknown: expected zstd, lz4 or none",
               name);
}

Compression compress(std::string_view input, const CompressionOptions& options, std::string& out) {
  const size_t start = out.size();
  // Tiny inputs never shrink enough to pay for a frame header.
  if (options.kind == Compression::kNone || input.size() < 32) {
    out.append(input);
    return Compression::kNone;
  }
  size_t written = 0;
  if (options.kind == Compression::kZstd) {
    out.resize(start + ZSTD_compressBound(input.size()));
    written = ZSTD_compressCCtx(compression_context(), out.data() + start, out.size() - start,
                                input.data(), input.size(), options.zstd_level);
    if (ZSTD_isError(written)) written = 0;
  } else if (input.size() <= static_cast<size_t>(std::numeric_limits<int>::max())) {
    out.resize(start + LZ4_compressBound(static_cast<int>(input.size())));
    const int result = LZ4_compress_default(input.data(), out.data() + start,
                                            static_cast<int>(input.size()),
                                            static_cast<int>(out.size() - start));
    written = result > 0 ? static_cast<size_t>(result) : 0;
  }
  if (written == 0 || written >= input.size()) {
    out.resize(start);
    out.append(input);
    return Compression::kNone;
  }
  out.resize(start + written);
  return options.kind;
}

Status decompress(Compression kind, std::string_view stored, size_t decoded_size,
                  std::string& out) {
  const size_t start = out.size();
  switch (kind) {
    case Compression::kNone:
      if (stored.size() != decoded_size) break;
      out.append(stored);
      return Status::ok();
    case Compression::kZstd: {
      out.resize(start + decoded_size);
      const size_t result = ZSTD_decompressDCtx(decompression_context(), out.data() + start,
                                                decoded_size, stored.data(), stored.size());
      if (ZSTD_isError(result) || result != decoded_size) {
        out.resize(start);
        return error(ErrorCode::kDataLoss, "zstd block does not decompress to {} bytes: {}",
                     decoded_size, ZSTD_isError(result) ? ZSTD_getErrorName(result) : "short");
      }
      return Status::ok();
    }
    case Compression::kLz4: {
      if (decoded_size > static_cast<size_t>(std::numeric_limits<int>::max()) ||
          stored.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
        break;
      }
      out.resize(start + decoded_size);
      const int result =
          LZ4_decompress_safe(stored.data(), out.data() + start, static_cast<int>(stored.size()),
                              static_cast<int>(decoded_size));
      if (result < 0 || static_cast<size_t>(result) != decoded_size) {
        out.resize(start);
        return error(ErrorCode::kDataLoss, "lz4 block does not decompress to {} bytes",
                     decoded_size);
      }
      return Status::ok();
    }
  }
  return error(ErrorCode::kDataLoss, "block with codec {} and {} stored bytes cannot hold {} bytes",
               static_cast<int>(kind), stored.size(), decoded_size);
}

}  // namespace mystocks::tsdb
