// Column-at-a-time operations adapters need on finished batches: concatenating the batches of
// several files or symbols, and keeping the rows a filter selected. Sources cannot use the
// services layer's helpers (it sits above them), so these live here.
// Pure functions over immutable batches: safe from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "core/record_batch.h"
#include "core/status.h"

namespace mystocks::sources {

// All rows of `batches`, in order. kSchemaMismatch when a batch's schema differs from `schema`.
Result<RecordBatch> concat_batches(std::span<const RecordBatch> batches,
                                   std::shared_ptr<const Schema> schema);

// The rows of `batch` at `rows` (ascending or not), same schema.
RecordBatch take_rows(const RecordBatch& batch, std::span<const uint32_t> rows);

// Row order by the string column `key` (absent: keep) then the int32/int64 column `time`
// (absent: keep); stable, so ties keep their input order.
std::vector<uint32_t> order_by_key_time(const RecordBatch& batch, std::string_view key,
                                        std::string_view time);
// The same over the rows of several batches taken in sequence (row numbers run on across them).
std::vector<uint32_t> order_by_key_time(std::span<const RecordBatch> batches,
                                        std::string_view key, std::string_view time);
// Whether the rows of `batches` in sequence are in that order already (order_by_key_time would
// return 0, 1, 2, ...): one pass, no allocation, so already ordered input skips the sort.
bool ordered_by_key_time(std::span<const RecordBatch> batches, std::string_view key,
                         std::string_view time);

// The rows `rows` (numbered across `batches` in sequence) in that order, in one copy: merging
// several files' batches into sorted order without concatenating them first.
// kSchemaMismatch when a batch's schema differs from `schema`.
Result<RecordBatch> take_rows(std::span<const RecordBatch> batches,
                              std::span<const uint32_t> rows, std::shared_ptr<const Schema> schema);

}  // namespace mystocks::sources
