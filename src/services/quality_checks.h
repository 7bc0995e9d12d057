// Data-quality checks the ingest pipeline runs on every fetched batch before saving it:
//   ohlc_consistency  low <= open, close, last <= high and low <= high        (row rejected)
//   non_negative      volume, amount and prices are not negative              (row rejected)
//   duplicate_key     a unique-key tuple repeats within the batch; the first   (row rejected)
//                     occurrence is kept
//   price_limit       close/last/high/low beyond the board's daily limit from pre_close
//                     (+/-10 %, 20 % for 300/301/688/689, 30 % on BJ; price_rules.h)  (warning)
//   calendar_gap      a trading day of the calendar with no row for a requested symbol (warning:
//                     a suspension also leaves the day empty and no table records suspensions)
// Findings are tallied per check and per symbol in a QualityReport, which becomes rows of the
// data_quality_metrics table. Column-at-a-time loops; allocation only per symbol or per finding.
// Pure functions over immutable batches; a QualityReport has one owner (not synchronised).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/record_batch.h"
#include "core/timestamp.h"
#include "storage/table_schema.h"

namespace mystocks::services {

enum class QualityCheck : uint8_t { kOhlc, kNonNegative, kDuplicateKey, kPriceLimit, kCalendarGap };
inline constexpr size_t kQualityCheckCount = 5;

std::string_view quality_check_name(QualityCheck check);
// True when a finding makes the row invalid (rejected per the save strategy).
bool quality_check_rejects(QualityCheck check);

struct CheckTally {
  int64_t findings = 0;
  std::map<std::string, int64_t, std::less<>> by_symbol;  // findings per symbol (series key)
  std::string example;   // the first finding, for the detail column
  bool applied = false;  // the batch had the columns the check needs
};

// Findings of one job, accumulated over its batches.
struct QualityReport {
  int64_t rows_checked = 0;
  std::array<CheckTally, kQualityCheckCount> checks;

  CheckTally& operator[](QualityCheck check) { return checks[static_cast<size_t>(check)]; }
  const CheckTally& operator[](QualityCheck check) const {
    return checks[static_cast<size_t>(check)];
  }
  void add(QualityCheck check, std::string_view symbol, int64_t count, std::string_view example);
  int64_t total_findings() const;
};

struct QualityOptions {
  bool price_limits = true;  // off for indices, which have no limits
};

// Checks the rows of `batch` (a batch of `table`) and tallies findings into `report`. Returns a
// mask with one byte per row: 1 = the row breaks a rejecting check.
std::vector<uint8_t> check_batch_quality(const storage::TableSchema& table,
                                         const RecordBatch& batch, const QualityOptions& options,
                                         QualityReport& report);

// The distinct Asia/Shanghai dates per value of the series column (symbol) of a batch: the date
// column itself, or the date of a timestamp time column. Sorted ascending per symbol.
std::map<std::string, std::vector<int32_t>> dates_by_symbol(const storage::TableSchema& table,
                                                            const RecordBatch& batch,
                                                            std::string_view series_column);

}  // namespace mystocks::services
