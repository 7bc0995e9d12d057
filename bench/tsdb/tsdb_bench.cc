// tsdb_bench: loads the same deterministic Level-1 ticks into tsdb, SQLite, PostgreSQL and (when
// installed) ClickHouse in one run and prints a side-by-side table (docs/performance.md, "tsdb").
// Each engine runs in its own child process so its peak memory is its own.
//   tsdb_bench [--symbols 200] [--days 1] [--engines tsdb,sqlite,postgres,clickhouse]
//              [--work-dir DIR] [--tables config/tables.yaml] [--runs 30] [--json FILE]
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "engine.h"

namespace {

using mystocks::bench::BenchConfig;
using mystocks::bench::EngineResult;

std::string serialize(const EngineResult& r) {
  return fmt::format(
      "engine={}\nrows={}\ningest_seconds={}\nsettle_seconds={}\ningest_cpu_seconds={}\nprocess_cpu_seconds={}\nbytes_on_disk={}\nraw_bytes={}\n"
      "scan_ms={}\nscan_p90_ms={}\nscan_rows={}\nlatest_ms={}\nlatest_first_ms={}\nlatest_rows={}\n"
      "resample_ms={}\nresample_rows={}\nresample_checksum={}\npeak_rss_mb={}\nnotes={}\n",
      r.engine, r.rows, r.ingest_seconds, r.settle_seconds, r.ingest_cpu_seconds, r.process_cpu_seconds, r.bytes_on_disk, r.raw_bytes, r.scan_ms,
      r.scan_p90_ms, r.scan_rows, r.latest_ms, r.latest_first_ms, r.latest_rows, r.resample_ms,
      r.resample_rows, r.resample_checksum, r.peak_rss_mb, r.notes);
}

EngineResult deserialize(const std::string& text) {
  std::map<std::string, std::string> values;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    const size_t equals = line.find('=');
    if (equals != std::string::npos) values[line.substr(0, equals)] = line.substr(equals + 1);
  }
  auto number = [&](const char* key) { return values.count(key) ? std::stod(values[key]) : 0.0; };
  EngineResult r;
  r.engine = values["engine"];
  r.rows = static_cast<int64_t>(number("rows"));
  r.ingest_seconds = number("ingest_seconds");
  r.settle_seconds = number("settle_seconds");
  r.ingest_cpu_seconds = number("ingest_cpu_seconds");
  r.process_cpu_seconds = number("process_cpu_seconds");
  r.bytes_on_disk = static_cast<int64_t>(number("bytes_on_disk"));
  r.raw_bytes = static_cast<int64_t>(number("raw_bytes"));
  r.scan_ms = number("scan_ms");
  r.scan_p90_ms = number("scan_p90_ms");
  r.scan_rows = static_cast<int64_t>(number("scan_rows"));
  r.latest_ms = number("latest_ms");
  r.latest_first_ms = number("latest_first_ms");
  r.latest_rows = static_cast<int64_t>(number("latest_rows"));
  r.resample_ms = number("resample_ms");
  r.resample_rows = static_cast<int64_t>(number("resample_rows"));
  r.resample_checksum = static_cast<int64_t>(number("resample_checksum"));
  r.peak_rss_mb = number("peak_rss_mb");
  r.notes = values["notes"];
  return r;
}

// Runs one engine in a child process; the result comes back through a pipe.
std::optional<EngineResult> run_in_child(const std::string& engine, const BenchConfig& config) {
  int fds[2];
  if (pipe(fds) != 0) return std::nullopt;
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    mystocks::Result<EngineResult> result =
        engine == "tsdb"       ? mystocks::bench::run_tsdb(config)
        : engine == "sqlite"   ? mystocks::bench::run_sqlite(config)
        : engine == "postgres" ? mystocks::bench::run_postgres(config)
                               : mystocks::bench::run_clickhouse(config);
    std::string text;
    if (result.is_ok()) {
      text = serialize(*result);
    } else {
      text = "error=" + result.status().to_string() + "\n";
    }
    (void)!write(fds[1], text.data(), text.size());
    close(fds[1]);
    _exit(result.is_ok() ? 0 : 1);
  }
  close(fds[1]);
  std::string text;
  char buffer[4096];
  ssize_t got = 0;
  while ((got = read(fds[0], buffer, sizeof(buffer))) > 0) text.append(buffer, static_cast<size_t>(got));
  close(fds[0]);
  int status = 0;
  struct rusage usage {};
  wait4(pid, &status, 0, &usage);
  if (text.starts_with("error=") || text.empty()) {
    std::cerr << "tsdb_bench: " << engine << ": "
              << (text.empty() ? std::string("child died") : text.substr(6));
    return std::nullopt;
  }
  EngineResult result = deserialize(text);
  if (result.peak_rss_mb == 0) result.peak_rss_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;
  return result;
}

std::string mib(int64_t bytes) { return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1 << 20)); }

void print_table(const std::vector<EngineResult>& results, const BenchConfig& config) {
  std::cout << fmt::format("\n{} symbols x {} day(s) = {} rows, raw columnar {}\n\n",
                           config.shape.symbols, config.shape.days,
                           results.empty() ? 0 : results[0].rows,
                           results.empty() ? std::string("?") : mib(results[0].raw_bytes));
  std::string header = "| metric |";
  std::string rule = "|---|";
  for (const EngineResult& r : results) {
    header += " " + r.engine + " |";
    rule += "---|";
  }
  std::cout << header << "\n" << rule << "\n";
  auto row = [&](const std::string& name, auto&& cell) {
    std::string line = "| " + name + " |";
    for (const EngineResult& r : results) line += " " + cell(r) + " |";
    std::cout << line << "\n";
  };
  row("ingest (batch API / bulk load), rows/s", [](const EngineResult& r) {
    return fmt::format("{:.2f} M", static_cast<double>(r.rows) / r.ingest_seconds / 1e6);
  });
  row("ingest incl. flush/compaction, rows/s", [](const EngineResult& r) {
    return fmt::format("{:.2f} M", static_cast<double>(r.rows) / (r.ingest_seconds + r.settle_seconds) / 1e6);
  });
  row("ingest per CPU-second of the writing thread", [](const EngineResult& r) {
    return r.ingest_cpu_seconds > 0 ? fmt::format("{:.2f} M", static_cast<double>(r.rows) / r.ingest_cpu_seconds / 1e6)
                                    : std::string("n/a (server)");
  });
  row("load + flush, rows per process CPU-second", [](const EngineResult& r) {
    return r.process_cpu_seconds > 0 ? fmt::format("{:.2f} M", static_cast<double>(r.rows) / r.process_cpu_seconds / 1e6)
                                     : std::string("n/a (server)");
  });
  row("bytes on disk", [](const EngineResult& r) { return mib(r.bytes_on_disk); });
  row("raw / on disk", [](const EngineResult& r) {
    return fmt::format("{:.1f}x (1/{:.1f})", static_cast<double>(r.raw_bytes) / static_cast<double>(r.bytes_on_disk),
                       static_cast<double>(r.raw_bytes) / static_cast<double>(r.bytes_on_disk));
  });
  row("scan 1 symbol x 1 day, median (p90)", [](const EngineResult& r) {
    return fmt::format("{:.2f} ms ({:.2f})", r.scan_ms, r.scan_p90_ms);
  });
  row("latest row, all symbols, first / warm", [](const EngineResult& r) {
    return fmt::format("{:.1f} / {:.2f} ms", r.latest_first_ms, r.latest_ms);
  });
  row("1-min OHLCV resample of a day", [](const EngineResult& r) { return fmt::format("{:.1f} ms", r.resample_ms); });
  row("peak memory (RSS)", [](const EngineResult& r) { return fmt::format("{:.0f} MiB", r.peak_rss_mb); });
  row("result check (scan rows / bars / checksum)", [](const EngineResult& r) {
    return fmt::format("{} / {} / {}", r.scan_rows, r.resample_rows, r.resample_checksum);
  });
  std::cout << "\n";
  for (const EngineResult& r : results) std::cout << "- " << r.engine << ": " << r.notes << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  BenchConfig config;
  config.work_dir = std::filesystem::temp_directory_path() / "mystocks-tsdb-bench";
  std::string engines = "tsdb,sqlite,postgres,clickhouse";
  std::string json_path;
  for (int index = 1; index + 1 < argc; index += 2) {
    const std::string flag = argv[index];
    const std::string value = argv[index + 1];
    if (flag == "--symbols") config.shape.symbols = std::stoi(value);
    else if (flag == "--days") config.shape.days = std::stoi(value);
    else if (flag == "--engines") engines = value;
    else if (flag == "--work-dir") config.work_dir = value;
    else if (flag == "--tables") config.tables_yaml = value;
    else if (flag == "--runs") config.query_runs = std::stoi(value);
    else if (flag == "--json") json_path = value;
    else if (flag == "--batch-symbols") config.shape.symbols_per_batch = std::stoi(value);
    else if (flag == "--tsdb-sync") config.tsdb_sync = value;
    else {
      std::cerr << "tsdb_bench: unknown option " << flag << "\n";
      return 2;
    }
  }
  std::filesystem::create_directories(config.work_dir);
  std::vector<EngineResult> results;
  std::stringstream list(engines);
  std::string engine;
  while (std::getline(list, engine, ',')) {
    std::cerr << "tsdb_bench: running " << engine << "...\n";
    std::optional<EngineResult> result = run_in_child(engine, config);
    if (result) results.push_back(*result);
  }
  print_table(results, config);
  if (!json_path.empty()) {
    std::ofstream out(json_path);
    out << "[\n";
    for (size_t index = 0; index < results.size(); ++index) {
      std::string text = serialize(results[index]);
      out << "  {";
      std::istringstream lines(text);
      std::string line;
      bool first = true;
      while (std::getline(lines, line)) {
        const size_t equals = line.find('=');
        out << (first ? "" : ", ") << "\"" << line.substr(0, equals) << "\": \"" << line.substr(equals + 1) << "\"";
        first = false;
      }
      out << "}" << (index + 1 < results.size() ? "," : "") << "\n";
    }
    out << "]\n";
  }
  bool consistent = true;
  for (const EngineResult& r : results) {
    consistent = consistent && r.resample_checksum == results[0].resample_checksum &&
                 r.scan_rows == results[0].scan_rows && r.latest_rows == results[0].latest_rows;
  }
  if (!consistent) std::cerr << "tsdb_bench: WARNING: engines disagree on query results\n";
  return consistent ? 0 : 1;
}
