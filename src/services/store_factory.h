// Opens the stores the configuration selects: the relational store (storage.relational: SQLite
// under storage.data_dir, or PostgreSQL with the postgres section's pool and primary/replica),
// the embedded tsdb under <storage.data_dir>/tsdb, the table catalog (storage.tables_file), and
// the DataManager over them, with every declared table created or migrated. Errors name the
// configuration key or file at fault. Called once at start-up (serve, demo, ingest).
#pragma once

#include <memory>

#include "core/circuit_breaker.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/metrics.h"
#include "core/status.h"
#include "services/data_manager.h"
#include "storage/relational_store.h"
#include "storage/table_schema.h"
#include "storage/time_series_store.h"

namespace mystocks::services {

Result<std::unique_ptr<storage::RelationalStore>> open_relational_store(
    const Config& config, const Clock& clock = SystemClock::instance());

// Everything stored data needs. Members are destroyed bottom-up: the manager before the stores,
// the stores before the catalog they were opened with.
struct DataStores {
  std::shared_ptr<const storage::TableCatalog> catalog;
  std::unique_ptr<storage::TimeSeriesStore> time_series;
  std::unique_ptr<storage::RelationalStore> relational;
  std::unique_ptr<DataManager> data;
};

// `breakers` (may be null) guard the stores inside the DataManager; metrics go to `metrics`.
Result<std::unique_ptr<DataStores>> open_data_stores(const Config& config, const Clock& clock,
                                                     MetricsRegistry& metrics,
                                                     BreakerRegistry* breakers);

}  // namespace mystocks::services
