#include "storage/tsdb/segment_format.h"

#include <algorithm>

#include "storage/tsdb/byte_stream.h"

namespace mystocks::tsdb {

uint64_t SegmentIndex::block_offset(size_t series, size_t column) const {
  uint64_t offset = chunk_offset[series];
  for (size_t before = 0; before < column; ++before) offset += block_length(series, before);
  return offset;
}

uint64_t SegmentIndex::chunk_bytes(size_t series) const {
  uint64_t total = 0;
  for (size_t column = 0; column < columns.size(); ++column) total += block_length(series, column);
  return total;
}

size_t SegmentIndex::find(std::string_view wanted) const {
  size_t low = 0;
  size_t high = series_count();
  while (low < high) {
    const size_t middle = (low + high) / 2;
    if (key(middle) < wanted) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return low < series_count() && key(low) == wanted ? low : SIZE_MAX;
}

size_t SegmentIndex::column_position(std::string_view name) const {
  for (size_t position = 0; position < columns.size(); ++position) {
    if (columns[position].name == name) return position;
  }
  return SIZE_MAX;
}

size_t SegmentIndex::memory_bytes() const {
  return sizeof(*this) + keys.capacity() + key_ends.capacity() * 4 + rows.capacity() * 4 +
         min_ts.capacity() * 8 + max_ts.capacity() * 8 + chunk_offset.capacity() * 8 +
         block_bytes.capacity() * 4;
}

void SegmentIndex::add_series(std::string_view key, uint32_t row_count, int64_t min, int64_t max,
                              uint64_t offset, const std::vector<uint32_t>& lengths) {
  keys.append(key);
  key_ends.push_back(static_cast<uint32_t>(keys.size()));
  rows.push_back(row_count);
  min_ts.push_back(min);
  max_ts.push_back(max);
  chunk_offset.push_back(offset);
  block_bytes.insert(block_bytes.end(), lengths.begin(), lengths.end());
}

void encode_segment_index(const SegmentIndex& index, std::string& out) {
  ByteWriter writer(out);
  writer.put_string(index.table);
  writer.put_signed(index.day);
  writer.put_varint(index.generation);
  writer.put_varint(index.columns.size());
  for (const SegmentColumn& column : index.columns) {
    writer.put_string(column.name);
    writer.put_u8(static_cast<uint8_t>(column.type));
    writer.put_u8(static_cast<uint8_t>(column.scale));
  }
  writer.put_varint(index.series_count());
  for (size_t series = 0; series < index.series_count(); ++series) {
    writer.put_string(index.key(series));
    writer.put_varint(index.rows[series]);
    writer.put_signed(index.min_ts[series]);
    writer.put_signed(index.max_ts[series]);
    writer.put_varint(index.chunk_offset[series]);
    for (size_t column = 0; column < index.columns.size(); ++column) {
      writer.put_varint(index.block_length(series, column));
    }
  }
}

Result<SegmentIndex> decode_segment_index(std::string_view bytes) {
  ByteReader in(bytes);
  SegmentIndex index;
  int64_t day = 0;
  uint64_t column_count = 0;
  auto malformed = [](std::string_view what) {
    return error(ErrorCode::kDataLoss, "segment index is malformed: {}", what);
  };
  if (!in.get_string(index.table) || !in.get_signed(day) || !in.get_varint(index.generation) ||
      !in.get_count(column_count, 10'000)) {
    return malformed("truncated header");
  }
  index.day = static_cast<int32_t>(day);
  for (uint64_t position = 0; position < column_count; ++position) {
    SegmentColumn column;
    uint8_t type = 0;
    uint8_t scale = 0;
    if (!in.get_string(column.name) || !in.get_u8(type) || !in.get_u8(scale) ||
        type > static_cast<uint8_t>(ColumnType::kString)) {
      return malformed("bad column list");
    }
    column.type = static_cast<ColumnType>(type);
    column.scale = scale;
    index.columns.push_back(std::move(column));
  }
  if (index.columns.empty() || index.columns[0].type != ColumnType::kTimestamp) {
    return malformed("the first stored column is not a timestamp");
  }
  uint64_t series_count = 0;
  if (!in.get_count(series_count, bytes.size())) return malformed("bad series count");
  std::vector<uint32_t> lengths(column_count);
  std::string previous;
  for (uint64_t series = 0; series < series_count; ++series) {
    std::string_view key;
    uint64_t rows = 0;
    int64_t min = 0;
    int64_t max = 0;
    uint64_t offset = 0;
    if (!in.get_string(key) || !in.get_count(rows, UINT32_MAX) || !in.get_signed(min) ||
        !in.get_signed(max) || !in.get_varint(offset)) {
      return malformed("truncated series entry");
    }
    for (uint32_t& length : lengths) {
      uint64_t value = 0;
      if (!in.get_count(value, UINT32_MAX)) return malformed("truncated block lengths");
      length = static_cast<uint32_t>(value);
    }
    if (series > 0 && !(previous < key)) return malformed("series keys out of order");
    previous.assign(key);
    index.add_series(key, static_cast<uint32_t>(rows), min, max, offset, lengths);
  }
  if (!in.at_end()) return malformed("trailing bytes");
  return index;
}

}  // namespace mystocks::tsdb
