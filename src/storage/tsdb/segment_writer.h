// SegmentWriter: writes one segment file (segment_format.h) series by series, in key order, then
// the index and footer, and fsyncs it. The file only becomes part of the store when a MANIFEST
// naming it is committed; a crash before that leaves an orphan that open() deletes.
// Thread-safety: one owner.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "storage/tsdb/compression.h"
#include "storage/tsdb/file_io.h"
#include "storage/tsdb/segment_format.h"
#include "storage/tsdb/series_rows.h"

namespace mystocks::tsdb {

struct SegmentSummary {
  uint64_t file_bytes = 0;
  uint64_t rows = 0;
  uint32_t series = 0;
  int64_t min_ts = 0;
  int64_t max_ts = 0;
};

class SegmentWriter {
 public:
  // `columns`: the stored columns, time column first.
  static Result<SegmentWriter> create(const std::filesystem::path& path, std::string table,
                                      int32_t day, uint64_t generation,
                                      std::vector<SegmentColumn> columns,
                                      CompressionOptions compression);

  // Appends a series: `rows` sorted with unique ts, one column per stored value column (the
  // segment's columns after the time column). Keys must ascend. Empty rows are skipped.
  Status add_series(std::string_view key, const SeriesRows& rows);
  // Appends a chunk copied verbatim from another segment with the same columns.
  Status add_raw_series(std::string_view key, uint32_t rows, int64_t min_ts, int64_t max_ts,
                        const std::vector<uint32_t>& block_lengths, std::string_view blocks);
  uint32_t series_count() const { return static_cast<uint32_t>(index_.series_count()); }

  // Writes the index and footer, fsyncs and closes the file.
  Result<SegmentSummary> finish();

 private:
  SegmentWriter(File file, SegmentIndex index, CompressionOptions compression)
      : file_(std::move(file)), index_(std::move(index)), compression_(compression) {}
  Status check_order(std::string_view key);
  Status flush_buffer();

  File file_;
  SegmentIndex index_;
  CompressionOptions compression_;
  std::string buffer_;     // bytes not yet written
  uint64_t offset_ = 0;    // file offset of buffer_'s first byte
  std::string scratch_;
  SegmentSummary summary_;
};

}  // namespace mystocks::tsdb
