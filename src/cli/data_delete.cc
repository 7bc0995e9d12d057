#include "cli/data_delete.h"

#include <iostream>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "cli/cli_data_plane.h"
#include "core/clock.h"
#include "core/metrics.h"
#include "core/timestamp.h"
#include "services/data_manager.h"
#include "services/store_factory.h"

namespace mystocks::cli {
namespace {

constexpr std::string_view kDataDeleteUsage =
    R"(Usage: mystocks data delete --table TABLE [--symbols LIST] [--tag NAME=VALUE]... [--from DATE]
                            [--to DATE] [--all] [options]

Deletes the rows of TABLE for the given symbols and dates, in the store's own way (tsdb: one
tombstone in its write-ahead log; SQLite/PostgreSQL: one filtered DELETE), and prints how many
went. Market and reference data only (daily_kline, minute_kline, tick, fundamentals, ...); users,
orders and the audit log are refused. Give --symbols, a date range or both: every row of the
table goes only with --all. Stop the server first (it holds the stores).

  --table TABLE        A table of tables.yaml.
  --symbols LIST       Comma-separated symbols: 600519.SH, 600519, sh600519, ... (default: all).
  --tag NAME=VALUE     Time-series tables: only the series with this tag value, e.g.
                       frequency=5m of minute_kline deletes the 5m bars and keeps the other
                       frequencies (default: every series). Repeat for several tags.
  --from DATE          First day deleted, inclusive: YYYY-MM-DD, YYYYMMDD, epoch ms or ISO-8601.
  --to DATE            Last day deleted, inclusive (a date covers its whole day).
  --all                Every row of the table (alone, without --symbols, --from and --to).
  --config PATH        Configuration file (default: config/mystocks.yaml).
  --env-file PATH      Environment file (default: .env).
  --data-dir DIR       Data directory, overrides storage.data_dir.
)";

struct DeleteArgs {
  std::string table;
  std::string symbols;
  std::vector<std::string> tags;  // NAME=VALUE as given
  std::string from;
  std::string to;
  bool all = false;
  StoreFlags store;
};

int usage_error(const std::string& message) {
  std::cerr << "mystocks data delete: " << message
            << "\nRun 'mystocks data delete --help' for usage.\n";
  return 2;
}

// Parses the flags; a non-empty string is a usage error.
std::string parse_args(const std::vector<std::string>& args, DeleteArgs& out, bool& help) {
  for (size_t index = 0; index < args.size(); ++index) {
    const std::string& flag = args[index];
    if (flag == "--help" || flag == "-h") {
      help = true;
      return {};
    }
    if (flag == "--all") {
      out.all = true;
      continue;
    }
    if (flag == "--tag") {
      if (index + 1 >= args.size() || args[index + 1].starts_with("--")) {
        return "option --tag needs a value NAME=VALUE";
      }
      out.tags.push_back(args[++index]);
      continue;
    }
    const std::pair<std::string_view, std::string*> text_flags[] = {{"--table", &out.table},
                                                                    {"--symbols", &out.symbols},
                                                                    {"--from", &out.from},
                                                                    {"--to", &out.to}};
    std::string* target = store_flag_slot(out.store, flag);
    for (const auto& [name, value] : text_flags) {
      if (flag == name) target = value;
    }
    if (target == nullptr) return fmt::format("unknown option '{}'", flag);
    if (index + 1 >= args.size() || args[index + 1].starts_with("--")) {
      return fmt::format("option {} needs a value", flag);
    }
    *target = args[++index];
  }
  if (out.table.empty()) return "option --table is required";
  return {};
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

// The scope the flags describe; a Status naming the flag when one is malformed.
Result<services::RangeScope> scope_of(const DeleteArgs& args) {
  services::RangeScope scope;
  if (!args.symbols.empty()) scope.symbols = split_commas(args.symbols);
  for (const std::string& tag : args.tags) {
    const size_t equals = tag.find('=');
    if (equals == std::string::npos || equals == 0 || equals + 1 == tag.size()) {
      return field_error(ErrorCode::kInvalidArgument, "--tag",
                         "--tag '{}' is not NAME=VALUE (e.g. --tag frequency=5m)", tag);
    }
    if (!scope.tags.emplace(tag.substr(0, equals), tag.substr(equals + 1)).second) {
      return field_error(ErrorCode::kInvalidArgument, "--tag", "--tag '{}' repeats tag '{}'", tag,
                         tag.substr(0, equals));
    }
  }
  if (!args.from.empty()) {
    Result<TimestampMs> from = parse_timestamp(args.from, "--from");
    if (!from.is_ok()) return from.status();
    scope.range.start = *from;
  }
  if (!args.to.empty()) {
    // A date covers its whole day; an instant is the last one deleted.
    const bool is_date = parse_date(args.to, "--to").is_ok();
    Result<TimestampMs> to = parse_timestamp(args.to, "--to");
    if (!to.is_ok()) return to.status();
    scope.range.end = *to + (is_date ? kMillisPerDay : 1);
  }
  if (scope.range.start >= scope.range.end) {
    return field_error(ErrorCode::kInvalidArgument, "--from",
                       "--from {} is after --to {}: expected from <= to", args.from, args.to);
  }
  scope.whole_table = args.all;
  if (args.all &&
      (!args.symbols.empty() || !args.tags.empty() || !args.from.empty() || !args.to.empty())) {
    return field_error(ErrorCode::kInvalidArgument, "--all",
                       "--all deletes every row of the table: give it alone, or drop it to "
                       "delete only the given symbols and dates");
  }
  return scope;
}

// "--symbols" for "symbols[2]", "--from" for "range": the flag a DataManager field comes from.
std::string flag_of(const std::string& field) {
  if (field.starts_with("symbols")) return "--symbols";
  if (field == "range") return "--from/--to";
  if (field == "table") return "--table";
  if (field.starts_with("tags.")) return "--tag " + field.substr(5);
  return field.starts_with("--") ? field : "--" + field;
}

}  // namespace

int run_data_delete(const std::vector<std::string>& args) {
  DeleteArgs parsed;
  bool help = false;
  if (std::string problem = parse_args(args, parsed, help); !problem.empty()) {
    return usage_error(problem);
  }
  if (help) {
    std::cout << kDataDeleteUsage;
    return 0;
  }
  Result<services::RangeScope> scope = scope_of(parsed);
  if (!scope.is_ok()) return usage_error(scope.status().message());
  std::optional<Config> config = load_cli_config("data delete", parsed.store);
  if (!config) return 1;
  std::unique_ptr<services::DataStores> stores = open_data_plane_for_cli(
      "data delete", *config, SystemClock::instance(), MetricsRegistry::global());
  if (stores == nullptr) return 1;
  Result<int64_t> removed = stores->data->delete_range(parsed.table, *scope);
  if (!removed.is_ok()) {
    const Status& status = removed.status();
    const bool usage = status.code() == ErrorCode::kInvalidArgument ||
                       status.code() == ErrorCode::kInvalidSymbol ||
                       status.code() == ErrorCode::kNotFound;
    if (usage) return usage_error(flag_of(status.field()) + ": " + status.message());
    std::cerr << "mystocks data delete: " << status.to_string() << "\n";
    return 1;
  }
  std::cout << fmt::format("deleted {} row(s) from {}\n", *removed, parsed.table);
  return 0;
}

}  // namespace mystocks::cli
