#include "storage/tsdb/manifest.h"

#include <system_error>

#include <fmt/format.h>

#include "core/timestamp.h"
#include "storage/tsdb/byte_stream.h"
#include "storage/tsdb/crc32c.h"
#include "storage/tsdb/file_io.h"
#include "storage/tsdb/table_info.h"

namespace mystocks::tsdb {

std::filesystem::path manifest_path(const std::filesystem::path& dir) { return dir / "MANIFEST"; }

std::string day_directory_name(int32_t day) {
  const Date date{day};
  return fmt::format("{:04}{:02}{:02}", date.year(), date.month(), date.day());
}

std::filesystem::path segment_path(const std::filesystem::path& dir, const std::string& table,
                                   int32_t day, uint64_t file_number) {
  return dir / "data" / table / day_directory_name(day) / fmt::format("{:012}.seg", file_number);
}

void encode_manifest(const ManifestData& data, std::string& out) {
  std::string payload;
  ByteWriter writer(payload);
  writer.put_varint(data.next_file_number);
  writer.put_varint(data.next_generation);
  writer.put_varint(data.wal_start);
  writer.put_varint(data.tables.size());
  for (const storage::TableSchema& table : data.tables) encode_table_schema(table, writer);
  writer.put_varint(data.segments.size());
  for (const SegmentMeta& segment : data.segments) {
    writer.put_string(segment.table);
    writer.put_signed(segment.day);
    writer.put_varint(segment.file_number);
    writer.put_varint(segment.generation);
    writer.put_varint(segment.file_bytes);
    writer.put_varint(segment.rows);
    writer.put_varint(segment.series);
    writer.put_signed(segment.min_ts);
    writer.put_signed(segment.max_ts);
  }
  out.append(kManifestMagic);
  ByteWriter header(out);
  header.put_u32(kManifestVersion);
  header.put_u32(static_cast<uint32_t>(payload.size()));
  header.put_u32(crc32c(payload));
  out.append(payload);
}

Result<ManifestData> decode_manifest(std::string_view bytes, const std::string& source) {
  auto corrupt = [&](std::string_view what) {
    return error(ErrorCode::kDataLoss, "tsdb manifest {} is corrupt: {}", source, what);
  };
  if (bytes.size() < kManifestMagic.size() + 12 ||
      bytes.substr(0, kManifestMagic.size()) != kManifestMagic) {
    return corrupt("bad magic or truncated header");
  }
  ByteReader header(bytes.substr(kManifestMagic.size()));
  uint32_t version = 0;
  uint32_t length = 0;
  uint32_t crc = 0;
  (void)(header.get_u32(version) && header.get_u32(length) && header.get_u32(crc));
  if (version != kManifestVersion) {
    return corrupt(fmt::format("format version {} is not supported (expected {})", version,
                               kManifestVersion));
  }
  std::string_view payload;
  if (!header.get_bytes(length, payload) || !header.at_end()) {
    return corrupt("payload length does not match the file");
  }
  if (crc32c(payload) != crc) return corrupt("checksum mismatch");
  ByteReader in(payload);
  ManifestData data;
  uint64_t table_count = 0;
  if (!in.get_varint(data.next_file_number) || !in.get_varint(data.next_generation) ||
      !in.get_varint(data.wal_start) || !in.get_count(table_count, 100'000)) {
    return corrupt("truncated header fields");
  }
  for (uint64_t index = 0; index < table_count; ++index) {
    Result<storage::TableSchema> table = decode_table_schema(in);
    if (!table.is_ok()) return corrupt(table.status().message());
    data.tables.push_back(std::move(*table));
  }
  uint64_t segment_count = 0;
  if (!in.get_count(segment_count, payload.size())) return corrupt("bad segment count");
  data.segments.resize(segment_count);
  for (SegmentMeta& segment : data.segments) {
    int64_t day = 0;
    uint64_t series = 0;
    if (!in.get_string(segment.table) || !in.get_signed(day) ||
        !in.get_varint(segment.file_number) || !in.get_varint(segment.generation) ||
        !in.get_varint(segment.file_bytes) || !in.get_varint(segment.rows) ||
        !in.get_count(series, UINT32_MAX) || !in.get_signed(segment.min_ts) ||
        !in.get_signed(segment.max_ts)) {
      return corrupt("truncated segment list");
    }
    segment.day = static_cast<int32_t>(day);
    segment.series = static_cast<uint32_t>(series);
  }
  if (!in.at_end()) return corrupt("trailing bytes");
  return data;
}

Status write_manifest(const std::filesystem::path& dir, const ManifestData& data) {
  std::string bytes;
  encode_manifest(data, bytes);
  return write_file_durably(manifest_path(dir), bytes);
}

Result<std::optional<ManifestData>> read_manifest(const std::filesystem::path& dir) {
  const std::filesystem::path path = manifest_path(dir);
  std::error_code code;
  if (!std::filesystem::exists(path, code)) return std::optional<ManifestData>();
  Result<std::string> bytes = read_whole_file(path);
  if (!bytes.is_ok()) return bytes.status();
  Result<ManifestData> data = decode_manifest(*bytes, path.string());
  if (!data.is_ok()) return data.status();
  return std::optional<ManifestData>(std::move(*data));
}

}  // namespace mystocks::tsdb
