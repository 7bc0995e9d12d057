// Derives the previous close of daily bars a source left without one (a CSV file with no
// pre_close column, or empty cells): the close of the symbol's previous row in the same batch,
// else of its last stored bar before that date. Without pre_close, breadth counts (advancers,
// limit-up) and limit checks cannot be computed for the bar.
// Invariant: only null pre_close values are written; a value the source gave is never changed.
// One owner (the running ingest job); it reads the store through DataManager.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/record_batch.h"
#include "core/status.h"
#include "services/data_manager.h"

namespace mystocks::services {

class PreCloseFiller {
 public:
  // `table`: the daily bar table the batches go to (symbol, trade_date, close, pre_close).
  PreCloseFiller(DataManager& manager, std::string table);

  // Fills the null pre_close values of `batch` it can derive; returns how many. A batch without
  // those four columns is left alone (0). A bar with no earlier close anywhere stays null.
  Result<int64_t> fill(RecordBatch& batch) const;

 private:
  // The close of the symbol's newest stored bar before `day` (null when there is none).
  Result<std::optional<int64_t>> stored_close_before(const std::string& symbol, int32_t day) const;

  DataManager& manager_;
  std::string table_;
};

}  // namespace mystocks::services
