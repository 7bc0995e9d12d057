#include "storage/tsdb/segment_writer.h"

#include <algorithm>

#include "storage/tsdb/block.h"
#include "storage/tsdb/byte_stream.h"
#include "storage/tsdb/column_codec.h"

namespace mystocks::tsdb {
namespace {

constexpr size_t kWriteBufferBytes = 4 << 20;

}  // namespace

Result<SegmentWriter> SegmentWriter::create(const std::filesystem::path& path, std::string table,
                                            int32_t day, uint64_t generation,
                                            std::vector<SegmentColumn> columns,
                                            CompressionOptions compression) {
  Result<File> file = File::create(path);
  if (!file.is_ok()) return file.status();
  SegmentIndex index;
  index.table = std::move(table);
  index.day = day;
  index.generation = generation;
  index.columns = std::move(columns);
  SegmentWriter writer(std::move(*file), std::move(index), compression);
  writer.buffer_.append(kSegmentMagic);
  ByteWriter header(writer.buffer_);
  header.put_u32(kSegmentFormatVersion);
  header.put_u32(0);
  writer.summary_.min_ts = INT64_MAX;
  writer.summary_.max_ts = INT64_MIN;
  return writer;
}

Status SegmentWriter::check_order(std::string_view key) {
  if (index_.series_count() > 0 && !(index_.key(index_.series_count() - 1) < key)) {
    return error(ErrorCode::kInternal, "tsdb: segment {} receives series out of key order",
                 file_.path().string());
  }
  return Status::ok();
}

Status SegmentWriter::flush_buffer() {
  MYSTOCKS_RETURN_IF_ERROR(file_.append(buffer_));
  offset_ += buffer_.size();
  buffer_.clear();
  return Status::ok();
}

Status SegmentWriter::add_series(std::string_view key, const SeriesRows& rows) {
  if (rows.empty()) return Status::ok();
  MYSTOCKS_RETURN_IF_ERROR(check_order(key));
  const uint64_t chunk_offset = offset_ + buffer_.size();
  std::vector<uint32_t> lengths;
  lengths.reserve(index_.columns.size());
  const Column time_column(rows.ts);
  for (size_t position = 0; position < index_.columns.size(); ++position) {
    const Column& column = position == 0 ? time_column : rows.columns[position - 1];
    scratch_.clear();
    encode_column(index_.columns[position].type, column, 0, rows.size(), scratch_);
    lengths.push_back(static_cast<uint32_t>(append_block(scratch_, compression_, buffer_)));
  }
  index_.add_series(key, static_cast<uint32_t>(rows.size()), rows.ts.front(), rows.ts.back(),
                    chunk_offset, lengths);
  summary_.rows += rows.size();
  summary_.min_ts = std::min(summary_.min_ts, rows.ts.front());
  summary_.max_ts = std::max(summary_.max_ts, rows.ts.back());
  if (buffer_.size() >= kWriteBufferBytes) return flush_buffer();
  return Status::ok();
}

Status SegmentWriter::add_raw_series(std::string_view key, uint32_t rows, int64_t min_ts,
                                     int64_t max_ts, const std::vector<uint32_t>& block_lengths,
                                     std::string_view blocks) {
  if (rows == 0) return Status::ok();
  MYSTOCKS_RETURN_IF_ERROR(check_order(key));
  const uint64_t chunk_offset = offset_ + buffer_.size();
  buffer_.append(blocks);
  index_.add_series(key, rows, min_ts, max_ts, chunk_offset, block_lengths);
  summary_.rows += rows;
  summary_.min_ts = std::min(summary_.min_ts, min_ts);
  summary_.max_ts = std::max(summary_.max_ts, max_ts);
  if (buffer_.size() >= kWriteBufferBytes) return flush_buffer();
  return Status::ok();
}

Result<SegmentSummary> SegmentWriter::finish() {
  const uint64_t index_offset = offset_ + buffer_.size();
  scratch_.clear();
  encode_segment_index(index_, scratch_);
  const size_t index_length = append_block(scratch_, compression_, buffer_);
  ByteWriter footer(buffer_);
  footer.put_u64(index_offset);
  footer.put_u32(static_cast<uint32_t>(index_length));
  footer.put_u32(static_cast<uint32_t>(index_.series_count()));
  footer.put_bytes(kSegmentFooterMagic);
  MYSTOCKS_RETURN_IF_ERROR(flush_buffer());
  MYSTOCKS_RETURN_IF_ERROR(file_.sync());
  MYSTOCKS_RETURN_IF_ERROR(file_.close());
  summary_.file_bytes = offset_;
  summary_.series = static_cast<uint32_t>(index_.series_count());
  if (summary_.rows == 0) summary_.min_ts = summary_.max_ts = 0;
  return summary_;
}

}  // namespace mystocks::tsdb
