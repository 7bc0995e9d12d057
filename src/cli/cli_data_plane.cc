#include "cli/cli_data_plane.h"

#include <iostream>

#include "core/logging.h"

namespace mystocks::cli {

std::string* store_flag_slot(StoreFlags& flags, std::string_view flag) {
  if (flag == "--config") return &flags.config;
  if (flag == "--env-file") return &flags.env_file;
  if (flag == "--data-dir") return &flags.overrides.data_dir;
  return nullptr;
}

std::optional<Config> load_cli_config(std::string_view command, const StoreFlags& flags) {
  Result<Config> config = load_config(flags.config, flags.env_file, flags.overrides);
  if (!config.is_ok()) {
    std::cerr << "mystocks " << command << ": invalid configuration: " << config.status().message()
              << "\n";
    return std::nullopt;
  }
  if (Status status = logging::init(config->logging); !status.is_ok()) {
    std::cerr << "mystocks " << command << ": " << status.message() << "\n";
    return std::nullopt;
  }
  return std::move(*config);
}

std::unique_ptr<services::DataStores> open_data_plane_for_cli(std::string_view command,
                                                              Config& config, const Clock& clock,
                                                              MetricsRegistry& metrics) {
  config.tsdb.scrub_interval_s = 0;
  config.tsdb.retention_interval_s = 0;
  Result<std::unique_ptr<services::DataStores>> stores =
      services::open_data_stores(config, clock, metrics, nullptr);
  if (!stores.is_ok()) {
    std::cerr << "mystocks " << command << ": opening the stores: " << stores.status().to_string()
              << "\n";
    return nullptr;
  }
  return std::move(*stores);
}

}  // namespace mystocks::cli
