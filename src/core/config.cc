#include "core/config.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <span>
#include <sstream>
#include <variant>

#include <yaml-cpp/yaml.h>

#include "core/endpoint.h"

extern char** environ;

namespace mystocks {
namespace {

using Target = std::variant<std::string*, int64_t*, bool*>;

// One declared configuration key. `choices` restricts strings; min/max bound integers.
struct KeySpec {
  std::string_view section;
  std::string_view key;
  Target (*target)(Config&);
  int64_t min = 0;
  int64_t max = 0;
  std::span<const std::string_view> choices = {};
};

constexpr std::string_view kLevels[] = {"trace", "debug", "info", "warn", "error", "off"};
constexpr std::string_view kFormats[] = {"json", "text"};
constexpr std::string_view kCompressions[] = {"zstd", "lz4", "none"};
constexpr int64_t kMaxInt = INT64_MAX;
constexpr std::string_view kRelationalBackends[] = {"sqlite", "postgres"};
constexpr std::string_view kSqliteSynchronous[] = {"normal", "full"};
constexpr std::string_view kCsvEncodings[] = {"auto", "utf-8", "gbk"};
constexpr std::string_view kCookieSecure[] = {"auto", "always", "never"};
constexpr std::string_view kCsvErrorPolicies[] = {"skip", "stop"};
constexpr std::string_view kSaveStrategies[] = {"rollback", "continue", "retry"};

// Keys holding file-system paths. A relative value written in a configuration file is resolved
// against that file's directory, so `serve --config /elsewhere/mystocks.yaml` works from any
// working directory. Values from the environment, `.env` and flags, and the defaults of keys a
// file leaves out, stay relative to the working directory, as a shell user expects.
// (sqlite.path and security.master_key_file are relative to storage.data_dir instead.)
constexpr std::string_view kPathKeys[] = {
    "server.swagger_ui_dir", "server.dashboard_dir",  "storage.data_dir",    "storage.tables_file",
    "sources.csv_dir",       "security.policy_model", "security.policy_file"};

bool is_path_key(std::string_view section, std::string_view key) {
  return std::any_of(std::begin(kPathKeys), std::end(kPathKeys), [&](std::string_view path_key) {
    return path_key.size() == section.size() + 1 + key.size() && path_key.starts_with(section) &&
           path_key[section.size()] == '.' && path_key.ends_with(key);
  });
}

// Resolves the path key's relative value against `base_dir` (empty: leave it as written).
void resolve_path(Config& config, const KeySpec& spec, const std::filesystem::path& base_dir) {
  if (base_dir.empty() || !is_path_key(spec.section, spec.key)) return;
  Target target = spec.target(config);
  std::string** text = std::get_if<std::string*>(&target);
  if (text == nullptr || (*text)->empty()) return;
  const std::filesystem::path value(**text);
  if (value.is_relative()) **text = (base_dir / value).lexically_normal().string();
}

const std::vector<KeySpec>& key_specs() {
  static const std::vector<KeySpec> specs = {
      {"server", "listen", [](Config& c) -> Target { return &c.server.listen; }},
      {"server", "threads", [](Config& c) -> Target { return &c.server.threads; }, 0, 256},
      {"server", "body_limit_bytes", [](Config& c) -> Target { return &c.server.body_limit_bytes; },
       1, 1LL << 32},
      {"server", "header_limit_bytes",
       [](Config& c) -> Target { return &c.server.header_limit_bytes; }, 1024, 1 << 20},
      {"server", "read_timeout_ms", [](Config& c) -> Target { return &c.server.read_timeout_ms; },
       1, kMaxInt},
      {"server", "idle_timeout_ms", [](Config& c) -> Target { return &c.server.idle_timeout_ms; },
       1, kMaxInt},
      {"server", "shutdown_grace_ms",
       [](Config& c) -> Target { return &c.server.shutdown_grace_ms; }, 0, kMaxInt},
      {"server", "handler_threads", [](Config& c) -> Target { return &c.server.handler_threads; },
       1, 256},
      {"server", "handler_queue", [](Config& c) -> Target { return &c.server.handler_queue; }, 1,
       1000000},
      {"server", "handler_timeout_ms",
       [](Config& c) -> Target { return &c.server.handler_timeout_ms; }, 1, 3600000},
      {"server", "access_log", [](Config& c) -> Target { return &c.server.access_log; }},
      {"server", "swagger_ui_dir", [](Config& c) -> Target { return &c.server.swagger_ui_dir; }},
      {"server", "dashboard_dir", [](Config& c) -> Target { return &c.server.dashboard_dir; }},
      {"gateway", "rate_limit_enabled",
       [](Config& c) -> Target { return &c.gateway.rate_limit_enabled; }},
      {"gateway", "rate_limit_capacity",
       [](Config& c) -> Target { return &c.gateway.rate_limit_capacity; }, 1, 1 << 30},
      {"gateway", "rate_limit_per_second",
       [](Config& c) -> Target { return &c.gateway.rate_limit_per_second; }, 1, 1 << 30},
      {"gateway", "rate_limit_heavy_capacity",
       [](Config& c) -> Target { return &c.gateway.rate_limit_heavy_capacity; }, 1, 1 << 30},
      {"gateway", "rate_limit_heavy_per_second",
       [](Config& c) -> Target { return &c.gateway.rate_limit_heavy_per_second; }, 1, 1 << 30},
      {"gateway", "cors_origins", [](Config& c) -> Target { return &c.gateway.cors_origins; }},
      {"gateway", "gzip_min_bytes", [](Config& c) -> Target { return &c.gateway.gzip_min_bytes; },
       0, 1LL << 32},
      {"gateway", "cache_enabled", [](Config& c) -> Target { return &c.gateway.cache_enabled; }},
      {"gateway", "cache_max_entries",
       [](Config& c) -> Target { return &c.gateway.cache_max_entries; }, 1, 10000000},
      {"gateway", "cache_max_bytes", [](Config& c) -> Target { return &c.gateway.cache_max_bytes; },
       65536, 1LL << 36},
      {"gateway", "breaker_failure_threshold",
       [](Config& c) -> Target { return &c.gateway.breaker_failure_threshold; }, 1, 1000},
      {"gateway", "breaker_success_threshold",
       [](Config& c) -> Target { return &c.gateway.breaker_success_threshold; }, 1, 1000},
      {"gateway", "breaker_open_timeout_ms",
       [](Config& c) -> Target { return &c.gateway.breaker_open_timeout_ms; }, 1, 3600000},
      {"storage", "data_dir", [](Config& c) -> Target { return &c.storage.data_dir; }},
      {"storage", "tables_file", [](Config& c) -> Target { return &c.storage.tables_file; }},
      {"storage", "relational", [](Config& c) -> Target { return &c.storage.relational; }, 0, 0,
       kRelationalBackends},
      {"sqlite", "path", [](Config& c) -> Target { return &c.sqlite.path; }},
      {"sqlite", "synchronous", [](Config& c) -> Target { return &c.sqlite.synchronous; }, 0, 0,
       kSqliteSynchronous},
      {"sqlite", "busy_timeout_ms", [](Config& c) -> Target { return &c.sqlite.busy_timeout_ms; },
       0, kMaxInt},
      {"sqlite", "read_connections", [](Config& c) -> Target { return &c.sqlite.read_connections; },
       1, 64},
      {"sqlite", "max_result_rows", [](Config& c) -> Target { return &c.sqlite.max_result_rows; },
       1, kMaxInt},
      {"postgres", "dsn", [](Config& c) -> Target { return &c.postgres.dsn; }},
      {"postgres", "primary", [](Config& c) -> Target { return &c.postgres.primary; }},
      {"postgres", "replica", [](Config& c) -> Target { return &c.postgres.replica; }},
      {"postgres", "pool_size", [](Config& c) -> Target { return &c.postgres.pool_size; }, 1, 1000},
      {"postgres", "max_overflow", [](Config& c) -> Target { return &c.postgres.max_overflow; }, 0,
       1000},
      {"postgres", "pre_ping", [](Config& c) -> Target { return &c.postgres.pre_ping; }},
      {"postgres", "recycle_seconds",
       [](Config& c) -> Target { return &c.postgres.recycle_seconds; }, 0, kMaxInt},
      {"postgres", "acquire_timeout_ms",
       [](Config& c) -> Target { return &c.postgres.acquire_timeout_ms; }, 0, kMaxInt},
      {"postgres", "connect_timeout_ms",
       [](Config& c) -> Target { return &c.postgres.connect_timeout_ms; }, 1, kMaxInt},
      {"postgres", "statement_timeout_ms",
       [](Config& c) -> Target { return &c.postgres.statement_timeout_ms; }, 0, kMaxInt},
      {"postgres", "replica_retry_ms",
       [](Config& c) -> Target { return &c.postgres.replica_retry_ms; }, 0, kMaxInt},
      {"postgres", "reconnect_timeout_ms",
       [](Config& c) -> Target { return &c.postgres.reconnect_timeout_ms; }, 0, kMaxInt},
      {"postgres", "max_result_rows",
       [](Config& c) -> Target { return &c.postgres.max_result_rows; }, 1, kMaxInt},
      {"tsdb", "sync", [](Config& c) -> Target { return &c.tsdb.sync; }},
      {"tsdb", "memtable_bytes", [](Config& c) -> Target { return &c.tsdb.memtable_bytes; },
       1 << 20, 1LL << 36},
      {"tsdb", "max_frozen_memtables",
       [](Config& c) -> Target { return &c.tsdb.max_frozen_memtables; }, 1, 64},
      {"tsdb", "flush_interval_ms", [](Config& c) -> Target { return &c.tsdb.flush_interval_ms; },
       1000, kMaxInt},
      {"tsdb", "compaction_trigger", [](Config& c) -> Target { return &c.tsdb.compaction_trigger; },
       2, 1000},
      {"tsdb", "compression", [](Config& c) -> Target { return &c.tsdb.compression; }, 0, 0,
       kCompressions},
      {"tsdb", "zstd_level", [](Config& c) -> Target { return &c.tsdb.zstd_level; }, 1, 19},
      {"tsdb", "segment_cache_entries",
       [](Config& c) -> Target { return &c.tsdb.segment_cache_entries; }, 8, 1 << 20},
      {"tsdb", "latest_cache_series",
       [](Config& c) -> Target { return &c.tsdb.latest_cache_series; }, 1, 1 << 24},
      {"tsdb", "scrub_interval_s", [](Config& c) -> Target { return &c.tsdb.scrub_interval_s; }, 0,
       365 * 86400},
      {"tsdb", "retention_interval_s",
       [](Config& c) -> Target { return &c.tsdb.retention_interval_s; }, 0, 365 * 86400},
      {"realtime", "enabled", [](Config& c) -> Target { return &c.realtime.enabled; }},
      {"realtime", "ping_interval_ms",
       [](Config& c) -> Target { return &c.realtime.ping_interval_ms; }, 10, kMaxInt},
      {"realtime", "ping_timeout_ms",
       [](Config& c) -> Target { return &c.realtime.ping_timeout_ms; }, 10, kMaxInt},
      {"realtime", "max_payload_bytes",
       [](Config& c) -> Target { return &c.realtime.max_payload_bytes; }, 1024, 1LL << 30},
      {"realtime", "max_queue_packets",
       [](Config& c) -> Target { return &c.realtime.max_queue_packets; }, 1, 1 << 24},
      {"realtime", "recovery_window_ms",
       [](Config& c) -> Target { return &c.realtime.recovery_window_ms; }, 0, kMaxInt},
      {"realtime", "recovery_max_packets",
       [](Config& c) -> Target { return &c.realtime.recovery_max_packets; }, 0, 1 << 24},
      {"realtime", "ack_timeout_ms", [](Config& c) -> Target { return &c.realtime.ack_timeout_ms; },
       1, kMaxInt},
      {"realtime", "events_per_second",
       [](Config& c) -> Target { return &c.realtime.events_per_second; }, 1, 1000000},
      {"realtime", "batch_window_ms",
       [](Config& c) -> Target { return &c.realtime.batch_window_ms; }, 1, 60000},
      {"realtime", "batch_max_messages",
       [](Config& c) -> Target { return &c.realtime.batch_max_messages; }, 1, 1000000},
      {"realtime", "bar_update_ms", [](Config& c) -> Target { return &c.realtime.bar_update_ms; },
       0, kMaxInt},
      {"realtime", "recovery_namespaces",
       [](Config& c) -> Target { return &c.realtime.recovery_namespaces; }},
      {"sources", "instances", [](Config& c) -> Target { return &c.sources.instances; }},
      {"sources", "priority", [](Config& c) -> Target { return &c.sources.priority; }},
      {"sources", "priority_daily", [](Config& c) -> Target { return &c.sources.priority_daily; }},
      {"sources", "priority_index_daily",
       [](Config& c) -> Target { return &c.sources.priority_index_daily; }},
      {"sources", "priority_minute",
       [](Config& c) -> Target { return &c.sources.priority_minute; }},
      {"sources", "priority_symbols",
       [](Config& c) -> Target { return &c.sources.priority_symbols; }},
      {"sources", "priority_index_components",
       [](Config& c) -> Target { return &c.sources.priority_index_components; }},
      {"sources", "priority_realtime",
       [](Config& c) -> Target { return &c.sources.priority_realtime; }},
      {"sources", "priority_calendar",
       [](Config& c) -> Target { return &c.sources.priority_calendar; }},
      {"sources", "priority_fundamentals",
       [](Config& c) -> Target { return &c.sources.priority_fundamentals; }},
      {"sources", "priority_fund_flow",
       [](Config& c) -> Target { return &c.sources.priority_fund_flow; }},
      {"sources", "priority_news", [](Config& c) -> Target { return &c.sources.priority_news; }},
      {"sources", "priority_tick", [](Config& c) -> Target { return &c.sources.priority_tick; }},
      {"sources", "simulator_seed", [](Config& c) -> Target { return &c.sources.simulator_seed; },
       0, kMaxInt},
      {"sources", "simulator_symbols",
       [](Config& c) -> Target { return &c.sources.simulator_symbols; }, 1, 20000},
      {"sources", "simulator_max_rows",
       [](Config& c) -> Target { return &c.sources.simulator_max_rows; }, 1000, kMaxInt},
      {"sources", "demo_daily_days", [](Config& c) -> Target { return &c.sources.demo_daily_days; },
       1, 1500},
      {"sources", "demo_minute_days",
       [](Config& c) -> Target { return &c.sources.demo_minute_days; }, 0, 250},
      {"sources", "demo_tick_days", [](Config& c) -> Target { return &c.sources.demo_tick_days; },
       0, 20},
      {"sources", "live_enabled", [](Config& c) -> Target { return &c.sources.live_enabled; }},
      {"sources", "live_speed", [](Config& c) -> Target { return &c.sources.live_speed; }, 1,
       10000},
      {"sources", "live_always_open",
       [](Config& c) -> Target { return &c.sources.live_always_open; }},
      {"sources", "live_max_rows", [](Config& c) -> Target { return &c.sources.live_max_rows; }, 1,
       100000000},
      {"sources", "csv_dir", [](Config& c) -> Target { return &c.sources.csv_dir; }},
      {"sources", "csv_encoding", [](Config& c) -> Target { return &c.sources.csv_encoding; }, 0, 0,
       kCsvEncodings},
      {"sources", "csv_on_error", [](Config& c) -> Target { return &c.sources.csv_on_error; }, 0, 0,
       kCsvErrorPolicies},
      {"sources", "csv_delimiter", [](Config& c) -> Target { return &c.sources.csv_delimiter; }},
      {"sources", "csv_columns", [](Config& c) -> Target { return &c.sources.csv_columns; }},
      {"ingest", "schedule", [](Config& c) -> Target { return &c.ingest.schedule; }},
      {"ingest", "schedule_datasets",
       [](Config& c) -> Target { return &c.ingest.schedule_datasets; }},
      {"ingest", "schedule_source", [](Config& c) -> Target { return &c.ingest.schedule_source; }},
      {"ingest", "workers", [](Config& c) -> Target { return &c.ingest.workers; }, 1, 8},
      {"ingest", "queue_capacity", [](Config& c) -> Target { return &c.ingest.queue_capacity; }, 1,
       10000},
      {"ingest", "chunk_symbols", [](Config& c) -> Target { return &c.ingest.chunk_symbols; }, 1,
       10000},
      {"ingest", "chunk_rows", [](Config& c) -> Target { return &c.ingest.chunk_rows; }, 0,
       kMaxInt},
      {"ingest", "strategy", [](Config& c) -> Target { return &c.ingest.strategy; }, 0, 0,
       kSaveStrategies},
      {"ingest", "keep_finished_jobs",
       [](Config& c) -> Target { return &c.ingest.keep_finished_jobs; }, 1, 100000},
      {"ingest", "keep_finished_seconds",
       [](Config& c) -> Target { return &c.ingest.keep_finished_seconds; }, 1, kMaxInt},
      {"ingest", "history_jobs", [](Config& c) -> Target { return &c.ingest.history_jobs; }, 1,
       1000000},
      {"security", "master_key_file",
       [](Config& c) -> Target { return &c.security.master_key_file; }},
      {"security", "create_master_key",
       [](Config& c) -> Target { return &c.security.create_master_key; }},
      {"security", "jwt_keys", [](Config& c) -> Target { return &c.security.jwt_keys; }},
      {"security", "jwt_active_kid",
       [](Config& c) -> Target { return &c.security.jwt_active_kid; }},
      {"security", "access_token_ttl_seconds",
       [](Config& c) -> Target { return &c.security.access_token_ttl_seconds; }, 10, 86400},
      {"security", "refresh_token_ttl_seconds",
       [](Config& c) -> Target { return &c.security.refresh_token_ttl_seconds; }, 60, 31536000},
      {"security", "clock_skew_seconds",
       [](Config& c) -> Target { return &c.security.clock_skew_seconds; }, 0, 600},
      {"security", "signature_window_ms",
       [](Config& c) -> Target { return &c.security.signature_window_ms; }, 1000, 3600000},
      {"security", "nonce_cache_entries",
       [](Config& c) -> Target { return &c.security.nonce_cache_entries; }, 1000, 100000000},
      {"security", "password_ops_limit",
       [](Config& c) -> Target { return &c.security.password_ops_limit; }, 1, 20},
      {"security", "password_mem_kib",
       [](Config& c) -> Target { return &c.security.password_mem_kib; }, 8, 4194304},
      {"security", "login_free_failures",
       [](Config& c) -> Target { return &c.security.login_free_failures; }, 0, 1000},
      {"security", "login_lock_failures",
       [](Config& c) -> Target { return &c.security.login_lock_failures; }, 1, 1000},
      {"security", "login_lock_ms", [](Config& c) -> Target { return &c.security.login_lock_ms; },
       0, kMaxInt},
      {"security", "csrf_ttl_ms", [](Config& c) -> Target { return &c.security.csrf_ttl_ms; }, 1000,
       kMaxInt},
      {"security", "cookie_secure", [](Config& c) -> Target { return &c.security.cookie_secure; },
       0, 0, kCookieSecure},
      {"security", "policy_model", [](Config& c) -> Target { return &c.security.policy_model; }},
      {"security", "policy_file", [](Config& c) -> Target { return &c.security.policy_file; }},
      {"security", "role_rate_scale",
       [](Config& c) -> Target { return &c.security.role_rate_scale; }},
      {"security", "job_max_symbol_days",
       [](Config& c) -> Target { return &c.security.job_max_symbol_days; }},
      {"paper", "initial_cash_yuan", [](Config& c) -> Target { return &c.paper.initial_cash_yuan; },
       0, 100000000000},
      {"paper", "commission_ppm", [](Config& c) -> Target { return &c.paper.commission_ppm; }, 0,
       100000},
      {"paper", "commission_min_cents",
       [](Config& c) -> Target { return &c.paper.commission_min_cents; }, 0, 1000000},
      {"paper", "stamp_duty_ppm", [](Config& c) -> Target { return &c.paper.stamp_duty_ppm; }, 0,
       100000},
      {"paper", "transfer_fee_ppm", [](Config& c) -> Target { return &c.paper.transfer_fee_ppm; },
       0, 100000},
      {"logging", "level", [](Config& c) -> Target { return &c.logging.level; }, 0, 0, kLevels},
      {"logging", "format", [](Config& c) -> Target { return &c.logging.format; }, 0, 0, kFormats},
      {"logging", "file", [](Config& c) -> Target { return &c.logging.file; }},
  };
  return specs;
}

std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

std::string join_keys(std::string_view section) {
  std::string out;
  for (const KeySpec& spec : key_specs()) {
    if (spec.section != section) continue;
    if (!out.empty()) out += ", ";
    out += spec.key;
  }
  return out;
}

bool is_known_section(std::string_view section) {
  return std::any_of(key_specs().begin(), key_specs().end(),
                     [&](const KeySpec& spec) { return spec.section == section; });
}

std::string known_sections() {
  std::string out;
  std::string_view last;
  for (const KeySpec& spec : key_specs()) {
    if (spec.section == last) continue;
    if (!out.empty()) out += ", ";
    out += spec.section;
    last = spec.section;
  }
  return out;
}

// Sets one key from its textual value; `where` names the origin for the message.
Status assign(Config& config, const KeySpec& spec, const std::string& value,
              const std::string& where) {
  const std::string name = fmt::format("{}.{}", spec.section, spec.key);
  auto fail = [&](std::string_view problem) {
    return field_error(ErrorCode::kInvalidConfig, name, "{}: key '{}' {}", where, name, problem);
  };
  Target target = spec.target(config);
  if (auto* text = std::get_if<std::string*>(&target)) {
    if (!spec.choices.empty() &&
        std::find(spec.choices.begin(), spec.choices.end(), value) == spec.choices.end()) {
      std::string accepted;
      for (std::string_view choice : spec.choices) {
        accepted += accepted.empty() ? "" : ", ";
        accepted += choice;
      }
      return fail(fmt::format("has value '{}': expected one of {}", value, accepted));
    }
    **text = value;
  } else if (auto* number = std::get_if<int64_t*>(&target)) {
    int64_t parsed = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
    if (ec != std::errc() || ptr != value.data() + value.size()) {
      return fail(fmt::format("has value '{}': expected an integer", value));
    }
    if (parsed < spec.min || parsed > spec.max) {
      return fail(fmt::format("has value {}: expected {}..{}", parsed, spec.min, spec.max));
    }
    **number = parsed;
  } else if (auto* flag = std::get_if<bool*>(&target)) {
    if (value == "true") {
      **flag = true;
    } else if (value == "false") {
      **flag = false;
    } else {
      return fail(fmt::format("has value '{}': expected true or false", value));
    }
  }
  return Status::ok();
}

const KeySpec* find_spec(std::string_view section, std::string_view key) {
  for (const KeySpec& spec : key_specs()) {
    if (spec.section == section && spec.key == key) return &spec;
  }
  return nullptr;
}

std::string read_file(const std::string& path, bool& found) {
  std::ifstream in(path, std::ios::binary);
  found = static_cast<bool>(in);
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

std::string unquote(std::string_view value) {
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
      value.back() == value.front()) {
    return std::string(value.substr(1, value.size() - 2));
  }
  return std::string(value);
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

}  // namespace

namespace {

// The sections and keys of a loaded document. REQUIRES: caller catches YAML::Exception.
Result<Config> config_from_yaml(const YAML::Node& root, const std::string& source_name,
                                const std::filesystem::path& base_dir) {
  Config config;
  config.source = source_name;
  if (root.IsNull()) return config;  // an empty file means all defaults
  if (!root.IsMap()) {
    return error(ErrorCode::kInvalidConfig, "{}: the top level must be a mapping of sections ({})",
                 source_name, known_sections());
  }
  for (const auto& section_entry : root) {
    const std::string section = section_entry.first.as<std::string>();
    const YAML::Node& body = section_entry.second;
    const std::string where = fmt::format("{}:{}", source_name, section_entry.first.Mark().line + 1);
    if (!is_known_section(section)) {
      return field_error(ErrorCode::kInvalidConfig, section,
                         "{}: unknown section '{}': expected one of {}", where, section,
                         known_sections());
    }
    if (body.IsNull()) continue;
    if (!body.IsMap()) {
      return field_error(ErrorCode::kInvalidConfig, section,
                         "{}: section '{}' must be a mapping of keys ({})", where, section,
                         join_keys(section));
    }
    for (const auto& entry : body) {
      const std::string key = entry.first.as<std::string>();
      const std::string key_where = fmt::format("{}:{}", source_name, entry.first.Mark().line + 1);
      const KeySpec* spec = find_spec(section, key);
      if (spec == nullptr) {
        return field_error(ErrorCode::kInvalidConfig, section + "." + key,
                           "{}: unknown key '{}.{}': keys of '{}' are {}", key_where, section, key,
                           section, join_keys(section));
      }
      if (!entry.second.IsScalar()) {
        return field_error(ErrorCode::kInvalidConfig, section + "." + key,
                           "{}: key '{}.{}' must be a single value, not a list or mapping",
                           key_where, section, key);
      }
      MYSTOCKS_RETURN_IF_ERROR(assign(config, *spec, entry.second.Scalar(), key_where));
      resolve_path(config, *spec, base_dir);
    }
  }
  return config;
}

// Parses YAML text read from `source_name`; relative path values resolve against `base_dir`.
Result<Config> parse_yaml(const std::string& yaml_text, const std::string& source_name,
                          const std::filesystem::path& base_dir) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    return error(ErrorCode::kInvalidConfig, "{}:{}:{}: YAML syntax error: {}", source_name,
                 e.mark.line + 1, e.mark.column + 1, e.msg);
  }
  // yaml-cpp throws when a node does not convert (a list or mapping used as a section or key
  // name); the checks in config_from_yaml cover the shapes a config has, this turns any other
  // into an error naming the place instead of an exception ending the process (found by
  // fuzzing, tests/fuzz/config_yaml_fuzz.cc).
  try {
    return config_from_yaml(root, source_name, base_dir);
  } catch (const YAML::Exception& e) {
    return error(ErrorCode::kInvalidConfig, "{}:{}:{}: expected a plain name or value here: {}",
                 source_name, e.mark.line + 1, e.mark.column + 1, e.msg);
  }
}

}  // namespace

Result<Config> parse_config(const std::string& yaml_text, const std::string& source_name) {
  return parse_yaml(yaml_text, source_name, {});
}

Status apply_environment(Config& config, const std::map<std::string, std::string>& environment,
                         const std::string& origin) {
  for (const auto& [name, value] : environment) {
    if (!name.starts_with("MYSTOCKS_")) continue;
    bool matched_section = false;
    bool matched_key = false;
    std::string section_name;
    for (const KeySpec& spec : key_specs()) {
      const std::string prefix = "MYSTOCKS_" + upper(spec.section) + "_";
      if (!name.starts_with(prefix)) continue;
      matched_section = true;
      section_name = spec.section;
      if (name == prefix + upper(spec.key)) {
        matched_key = true;
        MYSTOCKS_RETURN_IF_ERROR(assign(config, spec, value, fmt::format("{} {}", origin, name)));
      }
    }
    // MYSTOCKS_ variables outside our sections belong to tools and tests; inside a section, a
    // typo must not be silently ignored.
    if (matched_section && !matched_key) {
      return field_error(ErrorCode::kInvalidConfig, name,
                         "{} {}: unknown key in section '{}': keys are {}", origin, name,
                         section_name, join_keys(section_name));
    }
  }
  return Status::ok();
}

Result<std::map<std::string, std::string>> parse_dotenv(const std::string& text,
                                                       const std::string& source_name) {
  std::map<std::string, std::string> values;
  std::istringstream lines(text);
  std::string raw;
  int line_number = 0;
  while (std::getline(lines, raw)) {
    ++line_number;
    std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#') continue;
    if (line.starts_with("export ")) line = trim(line.substr(7));
    const size_t equals = line.find('=');
    std::string_view name = equals == std::string_view::npos ? line : trim(line.substr(0, equals));
    const bool valid_name =
        !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
          return std::isalnum(c) || c == '_';
        });
    if (equals == std::string_view::npos || !valid_name) {
      return error(ErrorCode::kInvalidConfig, "{}:{}: expected NAME=VALUE, got '{}'", source_name,
                   line_number, line);
    }
    values[std::string(name)] = unquote(trim(line.substr(equals + 1)));
  }
  return values;
}

Status validate_config(const Config& config) {
  Result<Endpoint> endpoint = parse_endpoint(config.server.listen);
  if (!endpoint.is_ok()) {
    return field_error(ErrorCode::kInvalidConfig, "server.listen", "{}: server.listen: {}",
                       config.source, endpoint.status().message());
  }
  // tsdb.sync: always | none | group:<ms> (mirrors tsdb::parse_sync_policy, which core cannot call).
  const std::string& sync = config.tsdb.sync;
  const std::string_view window = std::string_view(sync).substr(sync.starts_with("group:") ? 6 : 0);
  int64_t window_ms = -1;
  auto [window_end, window_ec] = std::from_chars(window.data(), window.data() + window.size(), window_ms);
  if (sync != "always" && sync != "none" &&
      !(sync.starts_with("group:") && window_ec == std::errc() &&
        window_end == window.data() + window.size() && window_ms >= 0 && window_ms <= 60000)) {
    return field_error(ErrorCode::kInvalidConfig, "tsdb.sync",
                       "{}: tsdb.sync has value '{}': expected always, none or group:<ms> with ms "
                       "in 0..60000 (for example group:5)",
                       config.source, sync);
  }
  // ingest.schedule: "" or daily@HH:MM (mirrors services::parse_schedule, which core cannot call).
  const std::string& schedule = config.ingest.schedule;
  const bool schedule_ok =
      schedule.empty() ||
      (schedule.size() == 11 && schedule.starts_with("daily@") && schedule[8] == ':' &&
       std::isdigit(static_cast<unsigned char>(schedule[6])) &&
       std::isdigit(static_cast<unsigned char>(schedule[7])) &&
       std::isdigit(static_cast<unsigned char>(schedule[9])) &&
       std::isdigit(static_cast<unsigned char>(schedule[10])) &&
       (schedule[6] - '0') * 10 + (schedule[7] - '0') < 24 && schedule[9] < '6');
  if (!schedule_ok) {
    return field_error(ErrorCode::kInvalidConfig, "ingest.schedule",
                       "{}: ingest.schedule has value '{}': expected \"\" (off) or daily@HH:MM "
                       "in Asia/Shanghai, for example daily@15:30",
                       config.source, schedule);
  }
  return Status::ok();
}

Result<Config> load_config(const std::string& path, const std::string& dotenv_path,
                           const ConfigOverrides& overrides) {
  bool found = false;
  const std::string text = read_file(path, found);
  if (!found) {
    return error(ErrorCode::kInvalidConfig, "{}: configuration file not found (pass --config PATH)",
                 path);
  }
  std::error_code ec;
  const std::filesystem::path absolute = std::filesystem::absolute(path, ec);
  const std::filesystem::path base_dir = ec ? std::filesystem::path() : absolute.parent_path();
  Result<Config> config = parse_yaml(text, path, base_dir);
  if (!config.is_ok()) return config;

  std::map<std::string, std::string> environment;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string_view pair(*entry);
    const size_t equals = pair.find('=');
    if (equals != std::string_view::npos) {
      environment.emplace(pair.substr(0, equals), pair.substr(equals + 1));
    }
  }
  bool dotenv_found = false;
  const std::string dotenv_text = dotenv_path.empty() ? "" : read_file(dotenv_path, dotenv_found);
  if (dotenv_found) {
    Result<std::map<std::string, std::string>> dotenv = parse_dotenv(dotenv_text, dotenv_path);
    if (!dotenv.is_ok()) return dotenv.status();
    // The real environment wins over .env, as with docker-compose and dotenv libraries.
    std::map<std::string, std::string> only_dotenv;
    for (const auto& [name, value] : *dotenv) {
      if (!environment.contains(name)) only_dotenv.emplace(name, value);
    }
    MYSTOCKS_RETURN_IF_ERROR(apply_environment(*config, only_dotenv, dotenv_path));
  }
  MYSTOCKS_RETURN_IF_ERROR(apply_environment(*config, environment, "environment"));
  if (!overrides.listen.empty()) config->server.listen = overrides.listen;
  if (!overrides.data_dir.empty()) config->storage.data_dir = overrides.data_dir;
  MYSTOCKS_RETURN_IF_ERROR(validate_config(*config));
  return config;
}

std::vector<std::string> config_keys() {
  Config defaults;
  std::vector<std::string> keys;
  for (const KeySpec& spec : key_specs()) {
    Target target = spec.target(defaults);
    std::string value = std::visit(
        [](auto* pointer) -> std::string {
          using T = std::remove_pointer_t<decltype(pointer)>;
          if constexpr (std::is_same_v<T, bool>) return *pointer ? "true" : "false";
          else if constexpr (std::is_same_v<T, std::string>) return "\"" + *pointer + "\"";
          else return std::to_string(*pointer);
        },
        target);
    keys.push_back(fmt::format("{}.{} = {}", spec.section, spec.key, value));
  }
  return keys;
}

}  // namespace mystocks
