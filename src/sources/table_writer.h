// TableWriter: builds a RecordBatch of one tables.yaml table from typed per-column appends. The
// columns are resolved by name once, so hot loops (millions of simulated ticks or CSV rows)
// append through cached typed pointers with no lookups or allocations per value, and a column a
// row leaves unset becomes null, so adapters stay correct when nullable columns are added.
// Invariant: after end_row() every column holds rows() values. REQUIRES: puts match the column's
// storage type (asserted; a programmer error). One owner at a time; not synchronised.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/record_batch.h"
#include "core/status.h"
#include "storage/table_schema.h"

namespace mystocks::sources {

class TableWriter {
 public:
  static constexpr int kAbsent = -1;

  explicit TableWriter(const storage::TableSchema& table);
  TableWriter(const TableWriter&) = delete;
  TableWriter& operator=(const TableWriter&) = delete;

  const storage::TableSchema& table() const { return *table_; }
  // Index of the column, or kAbsent when the table does not declare it (puts to kAbsent are
  // ignored, so optional columns need no branches at the call site).
  int column(std::string_view name) const;
  // kFailedPrecondition naming `who` and the first non-nullable column not in `filled` (or a
  // decimal in `filled` too coarse for cents): lets an adapter refuse, at construction, a table
  // it could only fill with nulls or rounded prices.
  Status require_fillable(std::span<const std::string_view> filled, std::string_view who) const;

  void reserve(size_t rows);
  size_t rows() const { return rows_; }

  void put_int64(int column, int64_t value);  // int64, timestamp, decimal units at its scale
  void put_int32(int column, int32_t value);  // int32, date (days since epoch)
  void put_double(int column, double value);
  void put_bool(int column, bool value);
  void put_string(int column, std::string_view value);
  // A price or amount in cents into a decimal column of scale >= 2 (asserted).
  void put_cents(int column, int64_t cents);
  // A decimal column from a modelled double, rounded half away from zero at the column's scale
  // (simulated fundamentals; never for prices read from input, which go through Decimal::parse).
  void put_decimal(int column, double value);
  void put_null(int column);
  // Closes the row: every column not put since the previous end_row() gets a null.
  void end_row();
  // Drops the values put since the last end_row() (a CSV row that failed half-way).
  void abandon_row();

  // The batch of all complete rows (validated by RecordBatch::make); the writer is empty after.
  Result<RecordBatch> finish();

 private:
  struct Slot {
    ColumnType type = ColumnType::kInt64;
    bool nullable = false;
    int64_t cents_factor = 0;  // 10^(scale - 2) for decimals of scale >= 2
    int scale = 0;
    Column* column = nullptr;
    // The column's typed storage, cached so appends skip the variant dispatch.
    std::vector<int64_t>* int64s = nullptr;
    std::vector<int32_t>* int32s = nullptr;
    std::vector<uint8_t>* validity = nullptr;
    size_t size = 0;  // values appended, complete rows and the open one
  };

  void bind(size_t index);
  void mark_valid(Slot& slot) {
    if (!slot.validity->empty()) slot.validity->push_back(1);
    ++slot.size;
  }

  const storage::TableSchema* table_;
  std::vector<Column> columns_;
  std::vector<Slot> slots_;
  size_t rows_ = 0;
};

}  // namespace mystocks::sources
