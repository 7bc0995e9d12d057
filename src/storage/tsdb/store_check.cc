#include "storage/tsdb/store_check.h"

#include <algorithm>
#include <set>
#include <system_error>

#include <fmt/format.h>

#include "storage/tsdb/manifest.h"
#include "storage/tsdb/segment_reader.h"
#include "storage/tsdb/wal.h"

namespace mystocks::tsdb {

Result<CheckReport> check_store(const std::filesystem::path& dir) {
  std::error_code code;
  if (!std::filesystem::exists(manifest_path(dir), code)) {
    return error(ErrorCode::kNotFound, "{} holds no tsdb store (no MANIFEST)", dir.string());
  }
  CheckReport report;
  Result<std::optional<ManifestData>> read = read_manifest(dir);
  if (!read.is_ok()) {
    report.errors.push_back(read.status().message());
    return report;
  }
  const ManifestData& manifest = **read;
  report.tables = manifest.tables.size();
  std::set<std::filesystem::path> live;
  for (const SegmentMeta& meta : manifest.segments) {
    const std::filesystem::path path = segment_path(dir, meta.table, meta.day, meta.file_number);
    live.insert(path);
    ++report.segments;
    Result<std::shared_ptr<const SegmentReader>> reader = SegmentReader::open(path);
    if (!reader.is_ok()) {
      report.errors.push_back(reader.status().message());
      continue;
    }
    const SegmentReader& segment = **reader;
    report.segment_bytes += segment.file_bytes();
    Status verified = segment.verify();
    if (!verified.is_ok()) {
      report.errors.push_back(verified.message());
      continue;
    }
    const SegmentIndex& index = segment.index();
    uint64_t rows = 0;
    for (uint32_t count : index.rows) rows += count;
    report.rows += rows;
    if (index.table != meta.table || index.day != meta.day || index.generation != meta.generation ||
        rows != meta.rows || index.series_count() != meta.series || segment.file_bytes() != meta.file_bytes) {
      report.errors.push_back(fmt::format(
          "tsdb segment {}: contents disagree with the MANIFEST (table {}/{}, day {}/{}, "
          "generation {}/{}, rows {}/{}, series {}/{}, bytes {}/{})",
          path.string(), index.table, meta.table, index.day, meta.day, index.generation,
          meta.generation, rows, meta.rows, index.series_count(), meta.series, segment.file_bytes(),
          meta.file_bytes));
    }
  }
  for (auto it = std::filesystem::recursive_directory_iterator(dir / "data", code);
       !code && it != std::filesystem::recursive_directory_iterator(); it.increment(code)) {
    if (it->is_regular_file(code) && !live.contains(it->path())) {
      report.warnings.push_back(fmt::format("{} is not in the MANIFEST (left by a crash; the next "
                                            "open removes it)",
                                            it->path().string()));
    }
  }
  std::vector<uint64_t> numbers;
  for (const auto& entry : std::filesystem::directory_iterator(dir / "wal", code)) {
    const uint64_t number = parse_wal_file_name(entry.path().filename().string());
    if (number >= manifest.wal_start && number != 0) numbers.push_back(number);
  }
  std::sort(numbers.begin(), numbers.end());
  for (uint64_t number : numbers) {
    const std::filesystem::path path = wal_file_path(dir / "wal", number);
    Result<WalFileScan> scan =
        scan_wal_file(path, [](WalRecordType, std::string_view) { return Status::ok(); });
    ++report.wal_files;
    if (!scan.is_ok()) {
      report.errors.push_back(scan.status().message());
      continue;
    }
    report.wal_records += scan->records;
    if (scan->torn && number != numbers.back() && scan->file_bytes >= kWalHeaderBytes) {
      // Recovery refuses this too: an older file was whole when the next one started.
      report.errors.push_back(fmt::format(
          "tsdb: WAL file {} is damaged at offset {} ({}), and newer WAL files follow it: this "
          "is not a torn tail; `mystocks admin tsdb-repair` salvages every readable record",
          path.string(), scan->valid_bytes, scan->reason));
      continue;
    }
    if (scan->torn) {
      report.warnings.push_back(fmt::format(
          "{}: torn tail at offset {} ({}; {} bytes would be dropped by recovery)", path.string(),
          scan->valid_bytes, scan->reason, scan->file_bytes - scan->valid_bytes));
    }
  }
  return report;
}

}  // namespace mystocks::tsdb
