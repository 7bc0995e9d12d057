// Fuzz target: the tsdb segment reader (storage/tsdb/segment_reader.h) and the decoders behind
// it. The input is opened as a segment file (written to a per-process temp file, since
// SegmentReader reads with pread) and verified; it is also decoded directly as a segment index,
// as a framed block, and as a column encoding of each type — the index and column blocks sit
// behind crc32c checks that random bytes never pass, so the direct calls are what reach them.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include <unistd.h>

#include "storage/tsdb/block.h"
#include "storage/tsdb/byte_stream.h"
#include "storage/tsdb/column_codec.h"
#include "storage/tsdb/segment_format.h"
#include "storage/tsdb/segment_reader.h"

using namespace mystocks;
using namespace mystocks::tsdb;

namespace {

constexpr size_t kMaxRows = 4096;

const std::filesystem::path& temp_segment() {
  static const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                            ("mystocks_fuzz_" + std::to_string(getpid()) + ".seg");
  return path;
}

void read_as_file(std::string_view input) {
  {
    std::ofstream out(temp_segment(), std::ios::binary | std::ios::trunc);
    out.write(input.data(), static_cast<std::streamsize>(input.size()));
  }
  auto reader = SegmentReader::open(temp_segment());
  if (!reader.is_ok()) return;
  (void)(*reader)->verify();
  for (size_t series = 0; series < (*reader)->index().series_count(); ++series) {
    (void)(*reader)->read_times(series);
  }
}

// Decodes the input as a column block of the type and row count its own header announces (the
// reader takes both from the segment index), bounded so one input cannot ask for gigabytes.
void decode_columns(std::string_view input) {
  ByteReader header(input);
  uint8_t type = 0;
  uint8_t flags = 0;
  uint64_t rows = 0;
  if (!header.get_u8(type) || !header.get_u8(flags) || !header.get_varint(rows)) return;
  if (type >= 8 || rows > kMaxRows) return;
  Column column;
  (void)decode_column(static_cast<ColumnType>(type), input, rows, column);
}

// Removes the temp file when the fuzzer exits.
struct TempCleanup {
  ~TempCleanup() {
    std::error_code ignored;
    std::filesystem::remove(temp_segment(), ignored);
  }
} temp_cleanup;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  (void)decode_segment_index(input);
  std::string encoded;
  (void)read_block(input, encoded);
  decode_columns(input);
  read_as_file(input);
  return 0;
}
