#include "storage/tsdb/segment_reader.h"

#include <algorithm>
#include <cstring>

#include "storage/tsdb/block.h"
#include "storage/tsdb/byte_stream.h"
#include "storage/tsdb/column_codec.h"

namespace mystocks::tsdb {
namespace {

Status file_error(const std::filesystem::path& path, const Status& status) {
  return Status(status.code(), "tsdb segment " + path.string() + ": " + status.message());
}

}  // namespace

Result<std::shared_ptr<const SegmentReader>> SegmentReader::open(const std::filesystem::path& path) {
  Result<File> file = File::open_read(path);
  if (!file.is_ok()) return file.status();
  Result<uint64_t> size = file->size();
  if (!size.is_ok()) return size.status();
  if (*size < kSegmentHeaderBytes + kSegmentFooterBytes) {
    return error(ErrorCode::kDataLoss, "tsdb segment {}: {} bytes is too short for a segment",
                 path.string(), *size);
  }
  std::string header;
  std::string footer;
  MYSTOCKS_RETURN_IF_ERROR(file->read_at(0, kSegmentHeaderBytes, header));
  MYSTOCKS_RETURN_IF_ERROR(file->read_at(*size - kSegmentFooterBytes, kSegmentFooterBytes, footer));
  if (std::string_view(header).substr(0, kSegmentMagic.size()) != kSegmentMagic ||
      std::string_view(footer).substr(16) != kSegmentFooterMagic) {
    return error(ErrorCode::kDataLoss, "tsdb segment {}: bad magic (not a segment, or truncated)",
                 path.string());
  }
  ByteReader header_reader(std::string_view(header).substr(kSegmentMagic.size()));
  uint32_t version = 0;
  uint32_t reserved = 0;
  (void)(header_reader.get_u32(version) && header_reader.get_u32(reserved));
  if (version != kSegmentFormatVersion || reserved != 0) {
    return error(ErrorCode::kDataLoss, "tsdb segment {}: format version {} is not supported",
                 path.string(), version);
  }
  ByteReader footer_reader(footer);
  uint64_t index_offset = 0;
  uint32_t index_length = 0;
  uint32_t series_count = 0;
  (void)(footer_reader.get_u64(index_offset) && footer_reader.get_u32(index_length) &&
         footer_reader.get_u32(series_count));
  if (index_offset < kSegmentHeaderBytes ||
      index_offset + index_length != *size - kSegmentFooterBytes) {
    return error(ErrorCode::kDataLoss, "tsdb segment {}: footer points outside the file",
                 path.string());
  }
  std::string framed;
  MYSTOCKS_RETURN_IF_ERROR(file->read_at(index_offset, index_length, framed));
  std::string encoded;
  Status status = read_block(framed, encoded);
  if (!status.is_ok()) return file_error(path, status.with_context("index block"));
  Result<SegmentIndex> index = decode_segment_index(encoded);
  if (!index.is_ok()) return file_error(path, index.status());
  if (index->series_count() != series_count) {
    return error(ErrorCode::kDataLoss, "tsdb segment {}: footer counts {} series, index {}",
                 path.string(), series_count, index->series_count());
  }
  for (size_t series = 0; series < index->series_count(); ++series) {
    if (index->chunk_offset[series] < kSegmentHeaderBytes ||
        index->chunk_offset[series] + index->chunk_bytes(series) > index_offset) {
      return error(ErrorCode::kDataLoss, "tsdb segment {}: chunk {} lies outside the data area",
                   path.string(), series);
    }
  }
  return std::shared_ptr<const SegmentReader>(
      new SegmentReader(std::move(*file), std::move(*index), *size));
}

Status SegmentReader::context(const Status& status, size_t series, size_t column) const {
  std::string key(index_.key(series));
  std::replace(key.begin(), key.end(), '\0', '|');
  return Status(status.code(),
                fmt::format("tsdb segment {}: series '{}' column '{}' (block at offset {}): {}",
                            path().string(), key, index_.columns[column].name,
                            index_.block_offset(series, column), status.message()));
}

Status SegmentReader::decode_block(size_t series, size_t column, std::string_view framed,
                                   Column& out) const {
  thread_local std::string encoded;
  encoded.clear();
  Status status = read_block(framed, encoded);
  if (status.is_ok()) {
    status = decode_column(index_.columns[column].type, encoded, index_.rows[series], out);
  }
  if (!status.is_ok()) return context(status, series, column);
  return Status::ok();
}

Result<SeriesRows> SegmentReader::read(size_t series, const TableInfo& table,
                                       const ValueSelection& selection,
                                       storage::TimeRange range) const {
  // Which stored column serves each selected value column (SIZE_MAX: absent, read as nulls).
  std::vector<size_t> positions;
  positions.reserve(selection.size());
  size_t needed = 1;
  for (size_t value : selection) {
    const Field& field = table.field(table.value_indices[value]);
    const size_t position = index_.column_position(field.name);
    const bool usable = position != SIZE_MAX && index_.columns[position].type == field.type &&
                        index_.columns[position].scale == field.scale;
    positions.push_back(usable ? position : SIZE_MAX);
    needed += usable ? 1 : 0;
  }
  // One read of the whole chunk when most of it is wanted, else one read per block.
  const bool whole_chunk = needed * 2 >= index_.columns.size();
  std::string chunk;
  const uint64_t chunk_offset = index_.chunk_offset[series];
  if (whole_chunk) {
    Status status = file_.read_at(chunk_offset, index_.chunk_bytes(series), chunk);
    if (!status.is_ok()) return file_error(path(), status);
  }
  std::string single;
  auto block_bytes = [&](size_t column) -> Result<std::string_view> {
    const uint64_t offset = index_.block_offset(series, column);
    const uint32_t length = index_.block_length(series, column);
    if (whole_chunk) return std::string_view(chunk).substr(offset - chunk_offset, length);
    Status status = file_.read_at(offset, length, single);
    if (!status.is_ok()) return file_error(path(), status);
    return std::string_view(single);
  };

  Result<std::string_view> time_bytes = block_bytes(0);
  if (!time_bytes.is_ok()) return time_bytes.status();
  Column times;
  MYSTOCKS_RETURN_IF_ERROR(decode_block(series, 0, *time_bytes, times));
  SeriesRows rows;
  rows.ts = std::move(times.mutable_as<int64_t>());
  for (size_t index = 1; index < rows.ts.size(); ++index) {
    if (rows.ts[index] <= rows.ts[index - 1]) {
      return context(error(ErrorCode::kDataLoss, "timestamps are not strictly increasing"), series,
                     0);
    }
  }
  const auto begin = std::lower_bound(rows.ts.begin(), rows.ts.end(), range.start);
  const auto end = std::lower_bound(begin, rows.ts.end(), range.end);
  const auto first = static_cast<size_t>(begin - rows.ts.begin());
  const auto last = static_cast<size_t>(end - rows.ts.begin());
  const bool whole = first == 0 && last == rows.ts.size();
  rows.columns.reserve(selection.size());
  for (size_t index = 0; index < selection.size(); ++index) {
    const ColumnType type = table.field(table.value_indices[selection[index]]).type;
    Column column(empty_values_for(type));
    if (first == last) {
      rows.columns.push_back(std::move(column));
      continue;
    }
    if (positions[index] == SIZE_MAX) {
      append_null_values(column, last - first);
      rows.columns.push_back(std::move(column));
      continue;
    }
    Result<std::string_view> bytes = block_bytes(positions[index]);
    if (!bytes.is_ok()) return bytes.status();
    MYSTOCKS_RETURN_IF_ERROR(decode_block(series, positions[index], *bytes, column));
    if (!whole) {
      Column sliced = empty_column_like(column);
      append_column_range(sliced, &column, first, last);
      column = std::move(sliced);
    }
    rows.columns.push_back(std::move(column));
  }
  if (!whole) rows.ts = std::vector<int64_t>(begin, end);
  return rows;
}

Result<std::vector<int64_t>> SegmentReader::read_times(size_t series) const {
  std::string framed;
  Status status = file_.read_at(index_.block_offset(series, 0), index_.block_length(series, 0), framed);
  if (!status.is_ok()) return file_error(path(), status);
  Column times;
  MYSTOCKS_RETURN_IF_ERROR(decode_block(series, 0, framed, times));
  return std::move(times.mutable_as<int64_t>());
}

Status SegmentReader::read_raw_chunk(size_t series, std::string& out) const {
  Status status = file_.read_at(index_.chunk_offset[series], index_.chunk_bytes(series), out);
  if (!status.is_ok()) return file_error(path(), status);
  uint64_t offset = 0;
  for (size_t column = 0; column < index_.columns.size(); ++column) {
    const uint32_t length = index_.block_length(series, column);
    status = verify_block(std::string_view(out).substr(offset, length));
    if (!status.is_ok()) return context(status, series, column);
    offset += length;
  }
  return Status::ok();
}

Status SegmentReader::verify() const {
  std::string chunk;
  for (size_t series = 0; series < index_.series_count(); ++series) {
    // decode_block below checks every checksum: the unverified read is enough here.
    Status read = file_.read_at(index_.chunk_offset[series], index_.chunk_bytes(series), chunk);
    if (!read.is_ok()) return file_error(path(), read);
    uint64_t offset = 0;
    for (size_t column = 0; column < index_.columns.size(); ++column) {
      const uint32_t length = index_.block_length(series, column);
      Column decoded;
      MYSTOCKS_RETURN_IF_ERROR(
          decode_block(series, column, std::string_view(chunk).substr(offset, length), decoded));
      if (column == 0) {
        const std::vector<int64_t>& ts = decoded.as<int64_t>();
        if (ts.empty() || ts.front() != index_.min_ts[series] || ts.back() != index_.max_ts[series]) {
          return context(error(ErrorCode::kDataLoss, "ts bounds disagree with the index"), series, 0);
        }
      }
      offset += length;
    }
  }
  return Status::ok();
}

}  // namespace mystocks::tsdb
