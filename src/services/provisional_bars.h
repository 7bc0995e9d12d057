// Provisional daily bars. A daily bar fetched while its session is still trading (before the
// 15:00 Asia/Shanghai close of its trade date) is not the day's bar yet: its close is the last
// price so far and its volume a part of the day's. Such a bar is stored with final = false and
// served flagged (K-line `final: false`), so live strategies see today's bar and backtests can
// drop it; the first ingest after the close re-fetches the date (StoredTail treats a provisional
// row as not stored) and the upsert on (symbol, trade_date) replaces it with the final bar.
// The close is the end of the closing call auction; a bar fetched at or after it is final.
// Pure functions: safe from any thread.
#pragma once

#include <cstdint>

#include "core/record_batch.h"
#include "core/status.h"
#include "core/timestamp.h"

namespace mystocks::services {

// When a trade date's daily bar becomes final: 15:00 Asia/Shanghai that day.
TimestampMs session_close(Date trade_date);

// Sets the bool column `final` of daily bars (a `trade_date` column): false for rows whose
// session has not closed at `now`, else the source's value (null = true). Returns how many rows
// are provisional; a batch without both columns is left as it is (0).
Result<int64_t> mark_provisional_daily_bars(RecordBatch& batch, TimestampMs now);

}  // namespace mystocks::services
