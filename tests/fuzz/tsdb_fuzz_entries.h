// What the tsdb fuzz targets do with one input, shared by the libFuzzer targets
// (tsdb_segment_fuzz.cc, tsdb_wal_fuzz.cc, tsdb_manifest_fuzz.cc) and the gcc unit suite that
// replays their findings (tests/golden/fuzz/<target>/, tsdb_fuzz_replay_test.cc), so a finding
// is replayed through exactly the calls that found it. Header-only; test-only.
// segment_input uses a per-process temp file: one caller at a time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include <unistd.h>

#include "storage/tsdb/block.h"
#include "storage/tsdb/byte_stream.h"
#include "storage/tsdb/column_codec.h"
#include "storage/tsdb/crc32c.h"
#include "storage/tsdb/manifest.h"
#include "storage/tsdb/segment_format.h"
#include "storage/tsdb/segment_reader.h"
#include "storage/tsdb/wal.h"
#include "storage/tsdb/wal_record.h"

namespace mystocks::tsdb::fuzz {

// --- tsdb_segment -------------------------------------------------------------------------

inline const std::filesystem::path& temp_segment() {
  static const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                            ("mystocks_fuzz_" + std::to_string(getpid()) + ".seg");
  return path;
}

// Opens the input as a segment file, verifies it and reads every series' times.
inline void read_as_segment_file(std::string_view input) {
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
inline void decode_as_columns(std::string_view input) {
  constexpr uint64_t kMaxRows = 4096;
  ByteReader header(input);
  uint8_t type = 0;
  uint8_t flags = 0;
  uint64_t rows = 0;
  if (!header.get_u8(type) || !header.get_u8(flags) || !header.get_varint(rows)) return;
  if (type >= 8 || rows > kMaxRows) return;
  Column column;
  (void)decode_column(static_cast<ColumnType>(type), input, rows, column);
}

// The input as a segment index, a framed block, a column block and a whole segment file. The
// index and column blocks sit behind crc32c checks random bytes never pass, so the direct
// calls are what reach them.
inline void segment_input(std::string_view input) {
  (void)decode_segment_index(input);
  std::string encoded;
  (void)read_block(input, encoded);
  decode_as_columns(input);
  read_as_segment_file(input);
}

inline void remove_temp_segment() {
  std::error_code ignored;
  std::filesystem::remove(temp_segment(), ignored);
}

// --- tsdb_wal -----------------------------------------------------------------------------

// Decodes a record as recovery would before applying it.
inline Status replay_record(WalRecordType type, std::string_view payload) {
  switch (type) {
    case WalRecordType::kWrite:
      return decode_write_record(payload).status();
    case WalRecordType::kReplace:
    case WalRecordType::kReplaceTagged:
      return decode_replace_record(payload, type == WalRecordType::kReplaceTagged).status();
    default:
      return decode_delete_record(payload, type == WalRecordType::kDeleteTagged).status();
  }
}

// A WAL file built from the input as [u8 type][u16 length][payload]... with valid checksums,
// so the decoders are reached through the scan, as replay does.
inline std::string checksummed_wal(std::string_view input) {
  std::string file(kWalMagic);
  ByteWriter writer(file);
  writer.put_u64(1);
  while (input.size() >= 3) {
    const auto type = static_cast<uint8_t>(1 + static_cast<uint8_t>(input[0]) % 5);
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

// The input as a record payload of every type, as raw WAL bytes, and as a checksummed WAL.
inline void wal_input(std::string_view input) {
  for (uint8_t type = 1; is_wal_record_type(type); ++type) {
    (void)replay_record(static_cast<WalRecordType>(type), input);
  }
  (void)scan_wal_bytes("fuzz.wal", input, replay_record);
  (void)scan_wal_bytes("fuzz-checksummed.wal", checksummed_wal(input), replay_record);
}

// --- tsdb_manifest ------------------------------------------------------------------------

// The input as a whole MANIFEST file and as the payload of one with a valid header and
// checksum. False when a manifest that decodes does not decode again after re-encoding.
inline bool manifest_input(std::string_view input) {
  (void)decode_manifest(input, "fuzz/MANIFEST");
  std::string file(kManifestMagic);
  ByteWriter header(file);
  header.put_u32(kManifestVersion);
  header.put_u32(static_cast<uint32_t>(input.size()));
  header.put_u32(crc32c(input));
  file.append(input);
  auto manifest = decode_manifest(file, "fuzz/MANIFEST");
  if (!manifest.is_ok()) return true;
  std::string again;
  encode_manifest(*manifest, again);
  return decode_manifest(again, "fuzz/MANIFEST.again").is_ok();
}

}  // namespace mystocks::tsdb::fuzz
