// Fuzz target: the tsdb segment reader (storage/tsdb/segment_reader.h) and the decoders behind
// it: the input as a segment file (a per-process temp file, since SegmentReader reads with
// pread), a segment index, a framed block and a column encoding of each type. The calls live
// in tsdb_fuzz_entries.h, shared with the unit test that replays findings.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tsdb_fuzz_entries.h"

namespace {

// Removes the temp file when the fuzzer exits.
struct TempCleanup {
  ~TempCleanup() { mystocks::tsdb::fuzz::remove_temp_segment(); }
} temp_cleanup;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mystocks::tsdb::fuzz::segment_input(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
