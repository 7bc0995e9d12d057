// MANIFEST: the one file that says what the store is — table schemas, live segment files, the
// WAL file replay starts at, and the next file number and generation. Replaced atomically on
// every change (write MANIFEST.tmp, fsync, rename, fsync dir), so after a crash it is either the
// old or the new version, never a mix. Layout: "MSTSDBM1", u32 version, u32 payload length,
// u32 crc32c(payload), payload. Pure functions plus file I/O; callers serialise writes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "storage/table_schema.h"

namespace mystocks::tsdb {

inline constexpr std::string_view kManifestMagic = "MSTSDBM1";
inline constexpr uint32_t kManifestVersion = 1;

struct SegmentMeta {
  std::string table;
  int32_t day = 0;
  uint64_t file_number = 0;
  uint64_t generation = 0;
  uint64_t file_bytes = 0;
  uint64_t rows = 0;
  uint32_t series = 0;
  int64_t min_ts = 0;
  int64_t max_ts = 0;
};

struct ManifestData {
  uint64_t next_file_number = 1;
  uint64_t next_generation = 1;
  uint64_t wal_start = 0;  // WAL files numbered >= this hold rows not yet in segments
  std::vector<storage::TableSchema> tables;
  std::vector<SegmentMeta> segments;
};

std::filesystem::path manifest_path(const std::filesystem::path& dir);
// <dir>/data/<table>/<yyyymmdd>/<file number>.seg
std::filesystem::path segment_path(const std::filesystem::path& dir, const std::string& table,
                                   int32_t day, uint64_t file_number);
std::string day_directory_name(int32_t day);  // "20240102"

void encode_manifest(const ManifestData& data, std::string& out);
// DATA_LOSS naming `source` when the bytes are not an intact manifest.
Result<ManifestData> decode_manifest(std::string_view bytes, const std::string& source);

Status write_manifest(const std::filesystem::path& dir, const ManifestData& data);
// nullopt when there is no MANIFEST yet (a new store).
Result<std::optional<ManifestData>> read_manifest(const std::filesystem::path& dir);

}  // namespace mystocks::tsdb
