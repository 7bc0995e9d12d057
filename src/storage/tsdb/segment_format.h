// Segment file format (.seg): the immutable rows of one table and one day written by one flush
// or compaction (docs/design/tsdb.md "Files").
//   [header: "MSTSEG01", u32 format version, u32 0]
//   [chunk of series 1: one block per stored column][chunk of series 2]...
//   [index block][footer: u64 index offset, u32 index length, u32 series count, "MSTSEGND"]
// The index lists the stored columns and, per series (sorted by key), its rows, ts bounds, the
// chunk's offset and each column block's length (blocks are contiguous in column order).
// SegmentIndex is a value type; encode/decode are pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/record_batch.h"
#include "core/status.h"

namespace mystocks::tsdb {

inline constexpr std::string_view kSegmentMagic = "MSTSEG01";
inline constexpr std::string_view kSegmentFooterMagic = "MSTSEGND";
inline constexpr uint32_t kSegmentFormatVersion = 1;
inline constexpr size_t kSegmentHeaderBytes = 16;
inline constexpr size_t kSegmentFooterBytes = 24;

struct SegmentColumn {
  std::string name;
  ColumnType type = ColumnType::kInt64;
  int scale = 0;
  friend bool operator==(const SegmentColumn&, const SegmentColumn&) = default;
};

struct SegmentIndex {
  std::string table;
  int32_t day = 0;              // Asia/Shanghai date, days since 1970-01-01
  uint64_t generation = 0;      // precedence: a higher generation wins for the same (series, ts)
  std::vector<SegmentColumn> columns;  // stored columns: the time column first

  // Per series, in key order. Flat arrays keep a cached index small.
  std::string keys;                    // all series keys concatenated
  std::vector<uint32_t> key_ends;      // end offset of each key in `keys`
  std::vector<uint32_t> rows;
  std::vector<int64_t> min_ts;
  std::vector<int64_t> max_ts;
  std::vector<uint64_t> chunk_offset;  // file offset of the series' first block
  std::vector<uint32_t> block_bytes;   // series-major: columns.size() lengths per series

  size_t series_count() const { return rows.size(); }
  std::string_view key(size_t series) const {
    const uint32_t begin = series == 0 ? 0 : key_ends[series - 1];
    return std::string_view(keys).substr(begin, key_ends[series] - begin);
  }
  uint32_t block_length(size_t series, size_t column) const {
    return block_bytes[series * columns.size() + column];
  }
  uint64_t block_offset(size_t series, size_t column) const;
  uint64_t chunk_bytes(size_t series) const;
  // Position of `key`, or SIZE_MAX.
  size_t find(std::string_view key) const;
  // Position of the stored column named `name`, or SIZE_MAX.
  size_t column_position(std::string_view name) const;
  size_t memory_bytes() const;

  void add_series(std::string_view key, uint32_t row_count, int64_t min, int64_t max,
                  uint64_t offset, const std::vector<uint32_t>& lengths);
};

void encode_segment_index(const SegmentIndex& index, std::string& out);
Result<SegmentIndex> decode_segment_index(std::string_view bytes);

}  // namespace mystocks::tsdb
