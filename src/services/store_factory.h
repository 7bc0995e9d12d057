// Opens the relational store the configuration selects (storage.relational): SQLite under
// storage.data_dir, or PostgreSQL with the postgres section's pool and primary/replica. Errors
// name the configuration key at fault. Called once at start-up.
#pragma once

#include <memory>

#include "core/clock.h"
#include "core/config.h"
#include "core/status.h"
#include "storage/relational_store.h"

namespace mystocks::services {

Result<std::unique_ptr<storage::RelationalStore>> open_relational_store(
    const Config& config, const Clock& clock = SystemClock::instance());

}  // namespace mystocks::services
