#include "storage/tsdb/options.h"

#include <charconv>

#include <fmt/format.h>

namespace mystocks::tsdb {

std::string SyncPolicy::to_string() const {
  switch (mode) {
    case Mode::kAlways: return "always";
    case Mode::kNone: return "none";
    case Mode::kGroup: return fmt::format("group:{}", window_ms);
  }
  return "group";
}

Result<SyncPolicy> parse_sync_policy(std::string_view text) {
  SyncPolicy policy;
  if (text == "always") {
    policy.mode = SyncPolicy::Mode::kAlways;
    return policy;
  }
  if (text == "none") {
    policy.mode = SyncPolicy::Mode::kNone;
    return policy;
  }
  if (text.starts_with("group:")) {
    const std::string_view digits = text.substr(6);
    int64_t window = -1;
    auto [end, code] = std::from_chars(digits.data(), digits.data() + digits.size(), window);
    if (code == std::errc() && end == digits.data() + digits.size() && window >= 0 &&
        window <= 60'000) {
      policy.mode = SyncPolicy::Mode::kGroup;
      policy.window_ms = window;
      return policy;
    }
  }
  return field_error(ErrorCode::kInvalidConfig, "tsdb.sync",
                     "tsdb.sync '{}' is invalid: expected always, none or group:<ms> with ms in "
                     "0..60000 (for example group:5)",
                     text);
}

Result<TsdbOptions> options_from_config(const TsdbConfig& config, const std::string& data_dir) {
  TsdbOptions options;
  options.dir = std::filesystem::path(data_dir) / "tsdb";
  Result<SyncPolicy> sync = parse_sync_policy(config.sync);
  if (!sync.is_ok()) return sync.status();
  options.sync = *sync;
  Result<Compression> compression = parse_compression(config.compression);
  if (!compression.is_ok()) {
    return field_error(ErrorCode::kInvalidConfig, "tsdb.compression", "tsdb.compression: {}",
                       compression.status().message());
  }
  options.compression = {*compression, static_cast<int>(config.zstd_level)};
  options.memtable_bytes = config.memtable_bytes;
  options.max_frozen_memtables = config.max_frozen_memtables;
  options.flush_interval_ms = config.flush_interval_ms;
  options.compaction_trigger = config.compaction_trigger;
  options.segment_cache_entries = config.segment_cache_entries;
  options.latest_cache_series = config.latest_cache_series;
  options.scrub_interval_ms = config.scrub_interval_s * 1000;
  options.retention_interval_ms = config.retention_interval_s * 1000;
  return options;
}

}  // namespace mystocks::tsdb
