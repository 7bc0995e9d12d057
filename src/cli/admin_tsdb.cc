#include "cli/admin_tsdb.h"

#include <filesystem>
#include <iostream>
#include <string>

#include <fmt/format.h>

#include "core/config.h"
#include "storage/tsdb/store_check.h"
#include "storage/tsdb/tsdb_store.h"

namespace mystocks::cli {
namespace {

constexpr std::string_view kAdminUsage = R"(Usage: mystocks admin <command> [options]

Commands:
  tsdb-check   Verify every checksum of the tsdb store (MANIFEST, segment files, WAL).
  tsdb-stats   Print rows, series, bytes on disk and compression ratio per table.
  tsdb-repair  Salvage a store whose WAL is damaged (open fails with DATA_LOSS naming a WAL
               file and offset): replays every record that verifies, skipping each damaged
               range (each is printed: file, offset, length), flushes the result to segment
               files and keeps the damaged WAL files in <tsdb>/quarantine. Refuses to run while
               a server or ingest holds the store (its LOCK). Segment damage is reported, not
               repaired.

Options:
  --dir DIR         The tsdb directory itself (default: <storage.data_dir>/tsdb).
  --data-dir DIR    The data directory (overrides storage.data_dir).
  --config PATH     Configuration file to read storage.data_dir from (default:
                    config/mystocks.yaml when it exists, else ./data).
  --table NAME      tsdb-stats: only this table.
  --columns         tsdb-stats: also one line per column.
)";

int usage_error(const std::string& message) {
  std::cerr << "mystocks admin: " << message << "\n" << kAdminUsage;
  return 2;
}

std::string human_bytes(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int unit = 0;
  while (bytes >= 1024 && unit < 4) {
    bytes /= 1024;
    ++unit;
  }
  return unit == 0 ? fmt::format("{:.0f} B", bytes) : fmt::format("{:.1f} {}", bytes, units[unit]);
}

struct AdminOptions {
  std::string dir;
  std::string data_dir;
  std::string config = "config/mystocks.yaml";
  bool config_given = false;
  std::string table;
  bool columns = false;
};

// The tsdb directory the options point at.
Result<std::filesystem::path> tsdb_dir(const AdminOptions& options) {
  if (!options.dir.empty()) return std::filesystem::path(options.dir);
  if (!options.data_dir.empty()) return std::filesystem::path(options.data_dir) / "tsdb";
  std::error_code code;
  if (!options.config_given && !std::filesystem::exists(options.config, code)) {
    return std::filesystem::path("./data/tsdb");
  }
  Result<Config> config = load_config(options.config, ".env");
  if (!config.is_ok()) return config.status();
  return std::filesystem::path(config->storage.data_dir) / "tsdb";
}

int run_check(const std::filesystem::path& dir) {
  Result<tsdb::CheckReport> report = tsdb::check_store(dir);
  if (!report.is_ok()) {
    std::cerr << "mystocks admin tsdb-check: " << report.status().message() << "\n";
    return 1;
  }
  std::cout << "tsdb-check " << dir.string() << "\n"
            << fmt::format("  tables: {}, segments: {} ({}), rows in segments: {}\n", report->tables,
                           report->segments, human_bytes(static_cast<double>(report->segment_bytes)),
                           report->rows)
            << fmt::format("  WAL: {} file(s), {} record(s) to replay\n", report->wal_files,
                           report->wal_records);
  for (const std::string& warning : report->warnings) std::cout << "  warning: " << warning << "\n";
  for (const std::string& error : report->errors) std::cout << "  error: " << error << "\n";
  if (report->ok()) {
    std::cout << "OK: every checksum verified\n";
    return 0;
  }
  std::cout << fmt::format("CORRUPT: {} error(s)\n", report->errors.size());
  return 1;
}

int run_stats(const std::filesystem::path& dir, const AdminOptions& admin) {
  tsdb::TsdbOptions options;
  options.dir = dir;
  options.read_only = true;
  options.metrics = nullptr;
  Result<std::unique_ptr<tsdb::TsdbStore>> store = tsdb::TsdbStore::open(options);
  if (!store.is_ok()) {
    std::cerr << "mystocks admin tsdb-stats: " << store.status().message() << "\n";
    return 1;
  }
  std::vector<std::string> tables = (*store)->table_names();
  if (!admin.table.empty()) tables = {admin.table};
  std::cout << fmt::format("{:<18} {:>12} {:>8} {:>12} {:>12} {:>7}\n", "table", "rows", "series",
                           "on disk", "raw", "ratio");
  int status = 0;
  for (const std::string& table : tables) {
    Result<storage::TableStats> stats = (*store)->stats(table);
    if (!stats.is_ok()) {
      std::cerr << "mystocks admin tsdb-stats: " << stats.status().message() << "\n";
      status = 1;
      continue;
    }
    std::cout << fmt::format("{:<18} {:>12} {:>8} {:>12} {:>12} {:>6.1f}x\n", table, stats->rows,
                             stats->series, human_bytes(static_cast<double>(stats->bytes_on_disk)),
                             human_bytes(static_cast<double>(stats->raw_bytes)),
                             stats->compression_ratio);
    if (!admin.columns) continue;
    for (const storage::ColumnStats& column : stats->columns) {
      const double ratio = column.bytes_on_disk > 0 ? static_cast<double>(column.raw_bytes) /
                                                          static_cast<double>(column.bytes_on_disk)
                                                    : 0.0;
      std::cout << fmt::format("  {:<16} {:>12} {:>12} {:>7}\n", column.name,
                               human_bytes(static_cast<double>(column.bytes_on_disk)),
                               human_bytes(static_cast<double>(column.raw_bytes)),
                               column.bytes_on_disk > 0 ? fmt::format("{:.1f}x", ratio)
                                                        : std::string("tag"));
    }
  }
  return status;
}

int run_repair(const std::filesystem::path& dir) {
  std::error_code code;
  if (!std::filesystem::exists(dir / "MANIFEST", code)) {
    std::cerr << "mystocks admin tsdb-repair: " << dir.string() << " holds no tsdb store (no MANIFEST)\n";
    return 1;
  }
  tsdb::TsdbOptions options;
  options.dir = dir;
  options.salvage_wal = true;
  options.background_work = false;
  options.metrics = nullptr;
  // Opening salvages: every readable record is replayed and flushed to segment files, and the
  // LOCK taken here keeps a server away meanwhile.
  Result<std::unique_ptr<tsdb::TsdbStore>> store = tsdb::TsdbStore::open(options);
  if (!store.is_ok()) {
    std::cerr << "mystocks admin tsdb-repair: " << store.status().to_string() << "\n";
    return 1;
  }
  const tsdb::RecoveryReport& report = (*store)->recovery_report();
  uint64_t dropped_bytes = 0;
  std::cout << "tsdb-repair " << dir.string() << "\n";
  for (const auto& range : report.salvaged) {
    std::cout << fmt::format("  dropped: {} offset {} length {} ({})\n", range.file, range.offset,
                             range.length, range.reason);
    dropped_bytes += range.length;
  }
  for (const std::string& copy : report.quarantined) std::cout << "  kept a copy: " << copy << "\n";
  for (const std::string& damage : (*store)->damaged_segments()) {
    std::cout << "  not repaired: " << damage << "\n";
  }
  std::cout << fmt::format(
      "{}: replayed {} WAL file(s), {} record(s), {} row(s); dropped {} damaged range(s), {} "
      "byte(s)\n",
      report.salvaged.empty() ? "nothing to salvage" : "salvaged", report.wal_files,
      report.records, report.rows, report.salvaged.size(), dropped_bytes);
  if (!(*store)->damaged_segments().empty()) {
    std::cout << "DAMAGED SEGMENTS remain: tsdb-repair salvages the WAL only; see "
                 "docs/reliability.md\n";
    return 1;
  }
  return 0;
}

}  // namespace

int run_admin_tsdb(const std::vector<std::string_view>& args) {
  if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
    (args.empty() ? std::cerr : std::cout) << kAdminUsage;
    return args.empty() ? 2 : 0;
  }
  const std::string_view command = args[0];
  if (command != "tsdb-check" && command != "tsdb-stats" && command != "tsdb-repair") {
    return usage_error("unknown admin command '" + std::string(command) +
                       "': expected tsdb-check, tsdb-stats or tsdb-repair");
  }
  AdminOptions options;
  for (size_t index = 1; index < args.size(); ++index) {
    const std::string_view flag = args[index];
    if (flag == "--columns" && command == "tsdb-stats") {
      options.columns = true;
      continue;
    }
    std::string* target = nullptr;
    if (flag == "--dir") target = &options.dir;
    else if (flag == "--data-dir") target = &options.data_dir;
    else if (flag == "--config") target = &options.config;
    else if (flag == "--table" && command == "tsdb-stats") target = &options.table;
    else return usage_error("unknown option '" + std::string(flag) + "' for " + std::string(command));
    if (index + 1 >= args.size()) return usage_error("option " + std::string(flag) + " needs a value");
    *target = std::string(args[++index]);
    if (flag == "--config") options.config_given = true;
  }
  Result<std::filesystem::path> dir = tsdb_dir(options);
  if (!dir.is_ok()) {
    std::cerr << "mystocks admin: " << dir.status().message() << "\n";
    return 2;
  }
  if (command == "tsdb-repair") return run_repair(*dir);
  return command == "tsdb-check" ? run_check(*dir) : run_stats(*dir, options);
}

}  // namespace mystocks::cli
