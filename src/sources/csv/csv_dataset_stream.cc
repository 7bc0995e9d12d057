#include "sources/csv/csv_dataset_stream.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "core/timestamp.h"
#include "sources/batch_ops.h"

namespace mystocks::sources {
namespace {

constexpr size_t kLoggedIssuesPerFile = 5;

// Time columns are dates (days) or timestamps (epoch ms).
int64_t time_value(const Column& column, bool is_date, size_t row) {
  return is_date ? column.as<int32_t>()[row] : column.as<int64_t>()[row];
}

std::string time_text(bool is_date, int64_t value) {
  return is_date ? Date{static_cast<int32_t>(value)}.to_string() : format_iso8601_utc(value);
}

}  // namespace

CsvDatasetStream::CsvDatasetStream(CsvStreamPlan plan, CsvStreamMetrics metrics)
    : plan_(std::move(plan)), metrics_(metrics) {}

CsvDatasetStream::Part CsvDatasetStream::select(CsvChunk& chunk) const {
  Part part;
  part.file_idx = next_file_ - 1;
  const RecordBatch& batch = chunk.batch;
  const Column* keys = batch.column(plan_.key);
  const Column* times = plan_.filter_time.empty() ? nullptr : batch.column(plan_.filter_time);
  const Column* frequencies = plan_.frequency.empty() ? nullptr : batch.column("frequency");
  std::vector<uint32_t> keep;
  keep.reserve(batch.num_rows());
  for (uint32_t row = 0; row < batch.num_rows(); ++row) {
    if (!plan_.wanted.empty() && keys != nullptr &&
        !plan_.wanted.contains(keys->as<std::string>()[row]))
      continue;
    if (times != nullptr && !times->is_null(row)) {
      const int64_t value = time_value(*times, !plan_.filter_is_timestamp, row);
      if (value < plan_.first || value > plan_.last) continue;
    }
    if (frequencies != nullptr && frequencies->as<std::string>()[row] != plan_.frequency) continue;
    keep.push_back(row);
  }
  if (keep.size() == batch.num_rows()) {
    part.batch = std::move(chunk.batch);
    part.lines = std::move(chunk.row_lines);
    return part;
  }
  part.batch = take_rows(batch, keep);
  part.lines.reserve(keep.size());
  for (uint32_t row : keep) part.lines.push_back(chunk.row_lines[row]);
  return part;
}

Result<bool> CsvDatasetStream::read_part(size_t max_rows, std::vector<Part>& parts) {
  if (reader_ == nullptr) {
    if (next_file_ == plan_.files.size()) return false;
    const std::string& path = plan_.files[next_file_++];
    Result<std::unique_ptr<CsvReader>> opened = CsvReader::open_file(path, *plan_.table, plan_.csv);
    if (!opened.is_ok()) return opened.status();
    reader_ = std::move(opened).value();
    issues_logged_ = 0;
  }
  Result<CsvChunk> chunk = reader_->next_piece(max_rows);
  if (!chunk.is_ok()) return chunk.status();
  for (const CsvIssue& issue : chunk->issues) {
    if (issues_logged_++ >= kLoggedIssuesPerFile) break;
    spdlog::warn("csv source '{}': {} (line skipped)", plan_.source_name,
                 issue.to_string(reader_->file_name()));
  }
  metrics_.rows_skipped->inc(static_cast<double>(chunk->rows_skipped));
  metrics_.rows_imported->inc(static_cast<double>(chunk->batch.num_rows()));
  Part part = select(*chunk);
  if (part.batch.num_rows() > 0) parts.push_back(std::move(part));
  if (reader_->done()) reader_.reset();
  return true;
}

Status CsvDatasetStream::check_order(const RecordBatch& sorted, const std::vector<Part>& parts,
                                     const std::vector<size_t>& part_starts,
                                     const std::vector<uint32_t>& order) {
  const Column* keys = sorted.column(plan_.key);
  const Column* times = plan_.order_time.empty() ? nullptr : sorted.column(plan_.order_time);
  if (keys == nullptr || times == nullptr || plan_.key != "symbol") return Status::ok();
  const bool is_date =
      sorted.schema().field(*sorted.schema().index_of(plan_.order_time)).type == ColumnType::kDate;
  const auto& names = keys->as<std::string>();
  for (size_t row = 0; row < sorted.num_rows();) {
    size_t run_end = row;
    while (run_end < sorted.num_rows() && names[run_end] == names[row]) ++run_end;
    // The run's oldest and newest times (rows without a time take no part).
    size_t first = run_end;
    int64_t oldest = 0;
    int64_t newest = 0;
    for (size_t probe = row; probe < run_end; ++probe) {
      if (times->is_null(probe)) continue;
      const int64_t value = time_value(*times, is_date, probe);
      const bool first_value = first == run_end;
      if (first_value || value < oldest) {
        oldest = value;
        first = probe;
      }
      if (first_value || value > newest) newest = value;
    }
    if (first < run_end) {
      auto [seen, inserted] = last_time_.try_emplace(names[row], newest);
      if (!inserted && oldest < seen->second) {
        const uint32_t global = order[first];
        const size_t part_idx =
            std::upper_bound(part_starts.begin(), part_starts.end(), global) - part_starts.begin() -
            1;
        const Part& part = parts[part_idx];
        return error(ErrorCode::kFailedPrecondition,
                     "{}:{}: a row of {} at {} comes after rows up to {} in an earlier chunk of "
                     "{} rows; an import is written chunk by chunk and a re-run resumes after each "
                     "symbol's last stored row, so rows must be in time order per symbol across "
                     "chunks: sort the files by symbol and time, or raise ingest.chunk_rows above "
                     "the dataset's row count (the earlier chunks may be stored already)",
                     plan_.files[part.file_idx], part.lines[global - part_starts[part_idx]],
                     names[row], time_text(is_date, oldest), time_text(is_date, seen->second),
                     plan_.chunk_rows);
      }
      seen->second = std::max(seen->second, newest);
    }
    row = run_end;
  }
  return Status::ok();
}

Result<std::optional<RecordBatch>> CsvDatasetStream::next() {
  if (failed_) return std::optional<RecordBatch>();
  std::vector<Part> parts;
  size_t rows = 0;
  const size_t limit = plan_.chunk_rows;
  while (limit == 0 || rows < limit) {
    Result<bool> more = read_part(limit == 0 ? 0 : limit - rows, parts);
    if (!more.is_ok()) {
      failed_ = true;
      return more.status().with_context(fmt::format("source '{}'", plan_.source_name));
    }
    if (!*more) break;
    rows = 0;
    for (const Part& part : parts) rows += part.batch.num_rows();
  }
  if (parts.empty()) return std::optional<RecordBatch>();

  std::vector<size_t> part_starts;  // first row of each part, numbered across the parts
  std::vector<RecordBatch> batches;
  batches.reserve(parts.size());
  size_t total = 0;
  for (Part& part : parts) {
    part_starts.push_back(total);
    total += part.batch.num_rows();
    batches.push_back(std::move(part.batch));
  }
  const std::vector<uint32_t> order = order_by_key_time(batches, plan_.key, plan_.order_time);
  bool in_order = true;
  for (uint32_t row = 0; row < order.size() && in_order; ++row) in_order = order[row] == row;
  RecordBatch sorted;
  if (in_order && batches.size() == 1) {
    sorted = std::move(batches.front());  // no copy
  } else {
    Result<RecordBatch> gathered = in_order ? concat_batches(batches, plan_.table->schema())
                                            : take_rows(batches, order, plan_.table->schema());
    if (!gathered.is_ok()) return gathered.status();
    sorted = std::move(gathered).value();
  }
  batches.clear();  // the parts' memory goes before the batch is handed out
  Status ordered = check_order(sorted, parts, part_starts, order);
  if (!ordered.is_ok()) {
    failed_ = true;
    return ordered;
  }
  return std::optional<RecordBatch>(std::move(sorted));
}

}  // namespace mystocks::sources
