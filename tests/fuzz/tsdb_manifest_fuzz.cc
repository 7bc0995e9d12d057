// Fuzz target: the tsdb MANIFEST decoder (storage/tsdb/manifest.h). The input is decoded twice:
// as a whole file (magic, version, length and checksum checks), and as the payload of a file
// whose header and checksum are made valid here — random bytes almost never carry a valid
// crc32c, so without the second form the fuzzer would never reach the schema and segment
// decoding behind it. A manifest that decodes must re-encode to one that decodes. The calls
// live in tsdb_fuzz_entries.h, shared with the unit test that replays findings.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "tsdb_fuzz_entries.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (!mystocks::tsdb::fuzz::manifest_input(input)) std::abort();
  return 0;
}
