// CRC32C (Castagnoli), the checksum of every tsdb block, WAL record and MANIFEST. Uses the SSE4.2
// crc32 instruction when the CPU has it, else a slice-by-8 table; both give identical results.
// Pure functions: safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mystocks::tsdb {

// Extends `crc` (0 to start) over `size` bytes at `data`.
uint32_t crc32c_extend(uint32_t crc, const void* data, size_t size);

namespace detail {
// The table-driven path alone, so tests can check it against the hardware path.
uint32_t crc32c_extend_portable(uint32_t crc, const void* data, size_t size);
}  // namespace detail

inline uint32_t crc32c(std::string_view bytes) {
  return crc32c_extend(0, bytes.data(), bytes.size());
}

}  // namespace mystocks::tsdb
