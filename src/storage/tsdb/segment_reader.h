// SegmentReader: an open segment file with its parsed index. Reads a series' chunk — the time
// column plus the requested value columns, mapped by name so that segments written before a
// column was added read that column as nulls — restricted to a time range. Every failure is
// DATA_LOSS (or IO_ERROR) naming the file, the series and the column.
// Thread-safety: immutable after open(); read methods may run concurrently (pread).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "storage/time_series_store.h"
#include "storage/tsdb/file_io.h"
#include "storage/tsdb/segment_format.h"
#include "storage/tsdb/series_rows.h"
#include "storage/tsdb/table_info.h"

namespace mystocks::tsdb {

class SegmentReader {
 public:
  // Reads and verifies the footer and the index block.
  static Result<std::shared_ptr<const SegmentReader>> open(const std::filesystem::path& path);

  const std::filesystem::path& path() const { return file_.path(); }
  const SegmentIndex& index() const { return index_; }
  uint64_t file_bytes() const { return file_bytes_; }

  // The rows of series `series` (a position in index()) with ts in `range`, with the selected
  // value columns of `table`.
  Result<SeriesRows> read(size_t series, const TableInfo& table, const ValueSelection& selection,
                          storage::TimeRange range) const;
  // Only the ts column of series `series`.
  Result<std::vector<int64_t>> read_times(size_t series) const;
  // The raw bytes of the series' chunk (all blocks), for copying into another segment, after
  // verifying every block's checksum: a damaged chunk is never laundered into a new file with
  // fresh checksums (DATA_LOSS naming the file, series and column instead).
  Status read_raw_chunk(size_t series, std::string& out) const;
  // Verifies every block checksum and decodes every column of every series.
  Status verify() const;

 private:
  SegmentReader(File file, SegmentIndex index, uint64_t file_bytes)
      : file_(std::move(file)), index_(std::move(index)), file_bytes_(file_bytes) {}
  Status decode_block(size_t series, size_t column, std::string_view framed, Column& out) const;
  Status context(const Status& status, size_t series, size_t column) const;

  File file_;
  SegmentIndex index_;
  uint64_t file_bytes_ = 0;
};

}  // namespace mystocks::tsdb
