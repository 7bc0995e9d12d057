// Fuzz target: the tsdb WAL reader (storage/tsdb/wal.h scan_wal_bytes) and its record decoders
// (wal_record.h), as recovery runs them on a log left by a crash. Three forms of the input:
// the raw record payload given to the decoder of every record type; the raw bytes scanned as a
// WAL file; and a WAL file built from the input as [u8 type][u16 length][payload]... with valid
// checksums, so the fuzzer reaches the decoders through the scan, as replay does. The calls
// live in tsdb_fuzz_entries.h, shared with the unit test that replays findings.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tsdb_fuzz_entries.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mystocks::tsdb::fuzz::wal_input(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
