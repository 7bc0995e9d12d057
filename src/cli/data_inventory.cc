#include "cli/data_inventory.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <iostream>

#include <fmt/format.h>

#include "cli/cli_data_plane.h"
#include "core/clock.h"
#include "core/metrics.h"
#include "core/symbol.h"
#include "core/timestamp.h"
#include "services/job_history.h"
#include "services/series_inventory.h"

namespace mystocks::cli {
namespace {

constexpr std::string_view kUsage =
    R"(Usage: mystocks data inventory [--table T] [--symbols LIST] [--has-gaps true|false] [--csv]
                              [--config PATH] [--env-file PATH] [--data-dir DIR]
What is stored, per table and series: rows, first and last date, last write, the source that
wrote it (from the ingest job history) and trading days missing between first and last.
Answered from metadata (the time-series store's per-series catalog, one aggregate query per
relational table), so thousands of series take milliseconds.
  --table T             Only table T (default: every table with series).
  --symbols LIST        Only these symbols, comma-separated (600519.SH, 600519, sh600519, ...).
  --has-gaps BOOL       true: only series missing trading days; false: only complete ones.
  --csv                 CSV on stdout instead of the table.
  --config PATH         Configuration file (default: config/mystocks.yaml).
  --env-file PATH       Environment file (default: .env).
  --data-dir DIR        Data directory, overrides storage.data_dir.
)";

struct InventoryArgs {
  services::InventoryQuery query;
  bool csv = false;
  StoreFlags store;
};

int usage_error(const std::string& message) {
  std::cerr << "mystocks data inventory: " << message
            << "\nRun 'mystocks data inventory --help' for usage.\n";
  return 2;
}

std::string parse_symbols(std::string_view text, std::vector<std::string>& out) {
  while (!text.empty()) {
    const size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    Result<Symbol> symbol = Symbol::parse(item, "--symbols");
    if (!symbol.is_ok()) return symbol.status().message();
    out.push_back(symbol->to_string());
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out.empty() ? "option --symbols needs at least one symbol" : "";
}

// A non-empty string is a usage error.
std::string parse_args(const std::vector<std::string>& args, InventoryArgs& out, bool& help) {
  for (size_t index = 0; index < args.size(); ++index) {
    const std::string& flag = args[index];
    if (flag == "--help" || flag == "-h") {
      help = true;
      return {};
    }
    if (flag == "--csv") {
      out.csv = true;
      continue;
    }
    if (index + 1 >= args.size() || args[index + 1].starts_with("--")) {
      return fmt::format("option {} needs a value", flag);
    }
    const std::string& value = args[++index];
    if (flag == "--table") {
      out.query.tables = {value};
    } else if (flag == "--symbols") {
      if (std::string problem = parse_symbols(value, out.query.symbols); !problem.empty()) {
        return problem;
      }
    } else if (flag == "--has-gaps") {
      if (value != "true" && value != "false") {
        return fmt::format("option --has-gaps has value '{}': expected true or false", value);
      }
      out.query.has_gaps = value == "true";
    } else if (std::string* slot = store_flag_slot(out.store, flag)) {
      *slot = value;
    } else {
      return fmt::format("unknown option '{}'", flag);
    }
  }
  return {};
}

// CPU time of this process, ms: on a loaded machine wall time mostly measures waiting.
double cpu_ms() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

std::string date_of(int64_t ms) { return shanghai_date(ms).to_string(); }

std::string write_text(int64_t ms) {
  if (ms == 0) return "-";
  return fmt::format("{} {:02}:{:02}", date_of(ms), shanghai_millis_of_day(ms) / 3'600'000,
                     shanghai_millis_of_day(ms) / 60'000 % 60);
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

void print_csv(const services::Inventory& inventory) {
  std::cout << "table,store,symbol,series,rows,first_date,last_date,first,last,last_write,source,"
               "missing_trading_days\n";
  for (const services::InventoryRow& row : inventory.rows) {
    std::cout << fmt::format("{},{},{},{},{},{},{},{},{},{},{},{}\n", row.table, row.store,
                             row.symbol, csv_field(row.series), row.rows, date_of(row.first_ms),
                             date_of(row.last_ms), row.first_ms, row.last_ms,
                             row.last_write_ms == 0 ? "" : std::to_string(row.last_write_ms),
                             csv_field(row.source),
                             row.missing_days < 0 ? "" : std::to_string(row.missing_days));
  }
}

void print_table(const services::Inventory& inventory) {
  std::cout << fmt::format("{:<16} {:<10} {:<14} {:>10} {:<10} {:<10} {:<16} {:<12} {}\n",
                           "TABLE", "SYMBOL", "SERIES", "ROWS", "FIRST", "LAST", "LAST WRITE",
                           "SOURCE", "MISSING DAYS");
  for (const services::InventoryRow& row : inventory.rows) {
    std::string missing = row.missing_days < 0 ? "-" : std::to_string(row.missing_days);
    if (!row.missing_sample.empty()) {
      missing += " (" + Date{row.missing_sample.front()}.to_string() +
                 (row.missing_days > 1 ? ", ...)" : ")");
    }
    std::cout << fmt::format("{:<16} {:<10} {:<14} {:>10} {:<10} {:<10} {:<16} {:<12} {}\n",
                             row.table, row.symbol, row.series.empty() ? "-" : row.series,
                             row.rows, date_of(row.first_ms), date_of(row.last_ms),
                             write_text(row.last_write_ms),
                             row.source.empty() ? "-" : row.source, missing);
  }
}

}  // namespace

int run_data_inventory(const std::vector<std::string>& args) {
  InventoryArgs parsed;
  bool help = false;
  if (std::string problem = parse_args(args, parsed, help); !problem.empty()) {
    return usage_error(problem);
  }
  if (help) {
    std::cout << kUsage;
    return 0;
  }
  std::optional<Config> config = load_cli_config("data inventory", parsed.store);
  if (!config) return 1;
  const Clock& clock = SystemClock::instance();
  std::unique_ptr<services::DataStores> stores =
      open_data_plane_for_cli("data inventory", *config, clock, MetricsRegistry::global());
  if (stores == nullptr) return 1;
  services::JobHistory history(*stores->data, clock, config->ingest.history_jobs);
  const services::SeriesInventory inventory(*stores->data, &history);
  const auto started = std::chrono::steady_clock::now();
  const double cpu_started = cpu_ms();
  Result<services::Inventory> found = inventory.list(parsed.query);
  const double elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  const double cpu_elapsed_ms = cpu_ms() - cpu_started;
  if (!found.is_ok()) {
    std::cerr << "mystocks data inventory: " << found.status().to_string() << "\n";
    return found.status().code() == ErrorCode::kInvalidArgument ||
                   found.status().code() == ErrorCode::kNotFound
               ? 2
               : 1;
  }
  if (parsed.csv) {
    print_csv(*found);
  } else {
    print_table(*found);
  }
  std::cerr << fmt::format("{} series in {} table(s), trading days from the {} calendar, "
                           "answered in {:.1f} ms ({:.1f} ms CPU)\n",
                           found->rows.size(), found->tables.size(), found->calendar, elapsed_ms,
                           cpu_elapsed_ms);
  return 0;
}

}  // namespace mystocks::cli
