// The stores of a one-shot command (`mystocks ingest`, `data delete`, `data inventory`): the
// --config/--env-file/--data-dir flags they share, loading the configuration (and starting the
// logging it configures), and opening the stores the way `mystocks serve` does. Failures are
// printed as "mystocks <command>: ..." on stderr, so every command reports them alike.
// Main thread only (logging::init is process-wide).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/config.h"
#include "core/metrics.h"
#include "services/store_factory.h"

namespace mystocks::cli {

struct StoreFlags {
  std::string config = "config/mystocks.yaml";
  std::string env_file = ".env";
  ConfigOverrides overrides;  // --data-dir
};

// The value slot of `flag` when it is one of the shared flags (--config, --env-file,
// --data-dir), nullptr otherwise: a command's parser stores the next argument there.
std::string* store_flag_slot(StoreFlags& flags, std::string_view flag);

// The configuration of `flags` with logging started; nullopt (the reason printed) when either
// fails. `command` names the command in messages, e.g. "data delete".
std::optional<Config> load_cli_config(std::string_view command, const StoreFlags& flags);

// The stores as `mystocks serve` opens them (tables created or migrated), without the tsdb's
// scheduled upkeep: a scrub pass or retention run belongs to the long-lived server, not to a
// command that exits in seconds. nullptr (the reason printed) when they cannot be opened.
std::unique_ptr<services::DataStores> open_data_plane_for_cli(std::string_view command,
                                                              Config& config, const Clock& clock,
                                                              MetricsRegistry& metrics);

}  // namespace mystocks::cli
