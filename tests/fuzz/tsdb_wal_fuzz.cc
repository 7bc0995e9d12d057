// Fuzz target: the tsdb WAL reader (storage/tsdb/wal.h scan_wal_bytes) and its record decoders
// (wal_record.h), as recovery runs them on a log left by a crash. Three forms of the input:
// the raw record payload given to both decoders; the raw bytes scanned as a WAL file; and a WAL
// file built here from the input as [u8 type][u16 length][payload]... with valid checksums, so
// the fuzzer reaches the decoders through the scan, as replay does.
#include <cstdint>
#include <string>
#include <string_view>

#include "storage/tsdb/byte_stream.h"
#include "storage/tsdb/crc32c.h"
#include "storage/tsdb/wal.h"
#include "storage/tsdb/wal_record.h"

using namespace mystocks;
using namespace mystocks::tsdb;

namespace {

Status replay(WalRecordType type, std::string_view payload) {
  if (type == WalRecordType::kWrite) {
    auto write = decode_write_record(payload);
    return write.is_ok() ? Status::ok() : write.status();
  }
  auto request = decode_delete_record(payload);
  return request.is_ok() ? Status::ok() : request.status();
}

std::string checksummed_wal(std::string_view input) {
  std::string file(kWalMagic);
  ByteWriter writer(file);
  writer.put_u64(1);
  while (input.size() >= 3) {
    const auto type = static_cast<uint8_t>(1 + (static_cast<uint8_t>(input[0]) & 1));
    const size_t length = static_cast<uint8_t>(input[1]) | static_cast<uint8_t>(input[2]) << 8;
    input.remove_prefix(3);
    const std::string_view payload = input.substr(0, length);
    input.remove_prefix(payload.size());
    uint32_t crc = crc32c_extend(0, &type, 1);
    crc = crc32c_extend(crc, payload.data(), payload.size());
    writer.put_u32(static_cast<uint32_t>(payload.size()));
    writer.put_u32(crc);
    writer.put_u8(type);
    writer.put_bytes(payload);
  }
  return file;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  (void)decode_write_record(input);
  (void)decode_delete_record(input);
  (void)scan_wal_bytes("fuzz.wal", input, replay);
  (void)scan_wal_bytes("fuzz-checksummed.wal", checksummed_wal(input), replay);
  return 0;
}
