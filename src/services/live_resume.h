// Where a restarted live feed continues: the newest market instant the live feed's own tables
// (tick, index_quote) hold. The feed saves ticks first and then the index snapshots, quotes and
// bars of the same marks, so this is the last mark an earlier run played (or a later one an
// ingest stored); LiveOptions::resume_after takes it and the feed goes on after it.
// Thread-safety: as the DataManager (any thread).
#pragma once

#include <optional>

#include "core/status.h"
#include "core/timestamp.h"
#include "services/data_manager.h"

namespace mystocks::services {

// The newest `ts` of tick and index_quote over all symbols; nullopt when both are empty. Fails
// with the store's error, naming the table.
Result<std::optional<TimestampMs>> newest_live_instant(DataManager& data);

}  // namespace mystocks::services
