// The steps of the ingest pipeline between fetching and saving, kept apart from the chunk loop:
// symbol normalisation, resume (what is already stored per symbol), row selection and the rows
// of data_quality_metrics. Internal to services (the pipeline and its tests).
// StoredTail has one owner (the running job); the free functions are pure.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/record_batch.h"
#include "core/status.h"
#include "services/data_manager.h"
#include "services/ingest_spec.h"
#include "services/quality_checks.h"
#include "storage/table_schema.h"

namespace mystocks::services {

// Rewrites symbol columns ("symbol", "*_symbol") to canonical form (600519 -> 600519.SH) when a
// source returned other spellings; kInvalidSymbol naming the column and row for values that are
// no symbol. Leaves `batch` untouched (no copy) when it is canonical already.
Status normalize_symbols(RecordBatch& batch);

// The last row already stored per symbol within the job's [from, to], so a re-run fetches only
// what is missing; a provisional last row (final = false, provisional_bars.h) is not counted, so
// a run after the close replaces it. Enabled for datasets keyed by symbol and time (bars, ticks, fund flow,
// fundamentals); the others are small and re-written idempotently.
class StoredTail {
 public:
  StoredTail(DataManager& manager, const storage::TableSchema& table, const IngestJobSpec& spec);

  bool enabled() const { return time_column_ != nullptr; }
  // The stored time value (days for a date column, epoch ms for a timestamp) or nullopt; one
  // load per symbol, then cached.
  Result<std::optional<int64_t>> last(const std::string& symbol);
  // The first date a fetch for `symbol` must cover (job start when nothing is stored; for a
  // timestamp column the date of the last row, whose later rows may be missing).
  Result<Date> resume_date(const std::string& symbol);
  // Clears keep[row] for rows at or before their symbol's stored tail; returns how many.
  Result<int64_t> drop_stored(const RecordBatch& batch, std::vector<uint8_t>& keep);

 private:
  DataManager& manager_;
  const storage::TableSchema& table_;
  const storage::ColumnDef* time_column_ = nullptr;
  LoadQuery query_;  // per symbol: symbols is replaced
  Date from_{};
  std::map<std::string, std::optional<int64_t>, std::less<>> cache_;
};

// The rows of `batch` whose keep byte is 1; `batch` itself, moved, when all are (no copy: batches
// of a million ticks pass through here).
RecordBatch keep_rows(RecordBatch&& batch, const std::vector<uint8_t>& keep, int64_t kept);

struct QualityRowsContext {
  std::string dataset;  // table checked
  std::string source;
  Date from{};
  Date to{};
  int64_t ts = 0;                // when the job ran
  size_t max_symbol_rows = 100;  // per check, beyond the "all" row
};

// data_quality_metrics rows for `report`: per check one "all" row (value = findings, status
// ok/warn/fail) and one row per symbol with findings.
Result<RecordBatch> quality_rows(const storage::TableSchema& metrics_table,
                                 const QualityReport& report, const QualityRowsContext& context);

}  // namespace mystocks::services
