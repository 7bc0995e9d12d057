// DataChanged: what DataManager announces after rows are durably written, so the cache can
// invalidate, realtime can push and sync can enqueue. ChangeBus delivers each event to every
// subscriber synchronously on the writing thread, after the write committed.
// Thread-safety: subscribe/unsubscribe/publish may be called concurrently from any thread; the
// subscriber list is copied under the lock and handlers run outside it, so a handler may
// subscribe, unsubscribe or save again. Handlers must be quick and must not throw.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/record_batch.h"
#include "storage/classification.h"
#include "storage/table_schema.h"
#include "storage/time_series_store.h"

namespace mystocks::services {

// A save announces the rows it wrote. A range delete or replace (rows_deleted may then be > 0)
// announces its scope instead: `symbols` are the symbols it covered (empty = every symbol) and
// `range` the range it covered (has_range false = all time); a delete carries no batch.
struct DataChanged {
  std::string table;
  storage::StoreKind store = storage::StoreKind::kRelational;
  int64_t rows = 0;                  // rows written by this save
  int64_t rows_deleted = 0;          // rows a range delete or replace removed
  std::vector<std::string> symbols;  // distinct, sorted; empty when the table has no symbol column
  // [first, last] instant of the written rows, half-open ([start, last + 1 ms); a date spans its
  // Asia/Shanghai day). Only meaningful when has_range.
  storage::TimeRange range;
  bool has_range = false;
  // The table and the rows written (batch is null for a delete). They are borrowed: valid only
  // while the handler runs (the bus delivers synchronously), so consumers that push rows
  // (realtime) need no copy; a handler that keeps rows must copy them.
  const storage::TableSchema* schema = nullptr;
  const RecordBatch* batch = nullptr;
};

using DataChangedHandler = std::function<void(const DataChanged&)>;
using SubscriptionId = uint64_t;

class ChangeBus {
 public:
  SubscriptionId subscribe(DataChangedHandler handler);
  // After it returns, the handler is not called again (a delivery already running may finish).
  void unsubscribe(SubscriptionId id);
  void publish(const DataChanged& event) const;

 private:
  using Entry = std::pair<SubscriptionId, std::shared_ptr<const DataChangedHandler>>;
  mutable std::mutex mutex_;
  SubscriptionId next_id_ = 1;   // GUARDED_BY(mutex_)
  std::vector<Entry> handlers_;  // GUARDED_BY(mutex_)
};

}  // namespace mystocks::services
