// Validation of a RecordBatch against a table before anything is written: unknown or mistyped
// columns, missing required columns, nulls where not allowed, non-finite doubles, timestamps out
// of range, bad tags (non-canonical symbols, an exchange that disagrees with the symbol). Every
// error names the table, the column and, for values, the row (0-based). On success the rows are
// grouped by series. Pure function: safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/record_batch.h"
#include "core/status.h"
#include "core/timestamp.h"
#include "storage/tsdb/table_info.h"

namespace mystocks::tsdb {

// Accepted time range: the A-share market opened in December 1990.
inline constexpr TimestampMs kMinTimestamp = 631'152'000'000;    // 1990-01-01T00:00:00Z
inline constexpr TimestampMs kMaxTimestamp = 7'258'118'400'000;  // 2200-01-01T00:00:00Z
inline constexpr size_t kMaxTagBytes = 64;

// Tag values joined by '\0' (which tags may not contain): unique per series, and ordering the
// keys as strings orders series by their tag tuples.
std::string series_key(const std::vector<std::string>& tags);
std::vector<std::string> split_series_key(std::string_view key);

struct SeriesGroup {
  std::string key;
  std::vector<std::string> tags;
  std::vector<std::pair<uint32_t, uint32_t>> runs;  // [begin, end) row ranges, batch order
  uint32_t rows = 0;
};

struct ValidatedBatch {
  const TableInfo* table = nullptr;
  size_t rows = 0;
  // Per table column (table order): the batch's column, or nullptr when the batch lacks this
  // (nullable) column. Points into the validated RecordBatch, which must outlive this.
  std::vector<const Column*> columns;
  std::vector<SeriesGroup> groups;  // in order of first appearance
};

Result<ValidatedBatch> validate_batch(const TableInfo& table, const RecordBatch& batch);

}  // namespace mystocks::tsdb
