// The ClickHouse side of the benchmark, when clickhouse-server is installed (Debian 12 ships
// 18.16): a private server in a temporary directory on free loopback ports, a MergeTree table
// ORDER BY (symbol, ts) partitioned by day with the default LZ4 codec, loaded through the HTTP
// interface in RowBinary, one INSERT per batch. Queries go over HTTP too (TabSeparated results).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include <fmt/format.h>

#include "engine.h"
#include "storage/tables_yaml.h"
#include "support/child_process.h"
#include "support/deadline.h"
#include "support/free_port.h"
#include "support/temp_dir.h"

namespace mystocks::bench {
namespace {

std::string url_encode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

// One HTTP/1.0 POST to 127.0.0.1:port; returns the body of a 200 response.
Result<std::string> http_post(int port, const std::string& query, std::string_view body) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return error(ErrorCode::kUnavailable, "socket failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    close(fd);
    return error(ErrorCode::kUnavailable, "clickhouse: cannot connect to port {}", port);
  }
  std::string request = fmt::format("POST /?query={} HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Length: {}\r\n\r\n",
                                    url_encode(query), body.size());
  request.append(body);
  size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t wrote = send(fd, request.data() + sent, request.size() - sent, 0);
    if (wrote <= 0) {
      close(fd);
      return error(ErrorCode::kUnavailable, "clickhouse: send failed");
    }
    sent += static_cast<size_t>(wrote);
  }
  std::string response;
  char buffer[1 << 16];
  ssize_t got = 0;
  while ((got = recv(fd, buffer, sizeof(buffer), 0)) > 0) response.append(buffer, static_cast<size_t>(got));
  close(fd);
  const size_t header_end = response.find("\r\n\r\n");
  if (header_end == std::string::npos) return error(ErrorCode::kUnavailable, "clickhouse: bad response");
  std::string payload = response.substr(header_end + 4);
  if (response.compare(0, 12, "HTTP/1.0 200") != 0 && response.compare(0, 12, "HTTP/1.1 200") != 0) {
    return error(ErrorCode::kUnavailable, "clickhouse: {}: {}", query.substr(0, 60), payload.substr(0, 300));
  }
  return payload;
}

void put_int(std::string& out, int64_t value) { out.append(reinterpret_cast<const char*>(&value), 8); }
void put_string(std::string& out, const std::string& value) {
  uint64_t length = value.size();
  while (length >= 0x80) {
    out.push_back(static_cast<char>(length | 0x80));
    length >>= 7;
  }
  out.push_back(static_cast<char>(length));
  out.append(value);
}

int64_t count_lines(const std::string& text) {
  return static_cast<int64_t>(std::count(text.begin(), text.end(), '\n'));
}

double vm_hwm_mb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("VmHWM:")) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

}  // namespace

Result<EngineResult> run_clickhouse(const BenchConfig& config) {
  const char* binary = "/usr/sbin/clickhouse-server";
  if (!std::filesystem::exists(binary)) {
    return error(ErrorCode::kUnavailable, "clickhouse-server is not installed (scripts/tsdb_bench.sh "
                 "installs it); skipped");
  }
  Result<storage::TableCatalog> catalog = storage::load_tables_yaml(config.tables_yaml);
  if (!catalog.is_ok()) return catalog.status();
  const storage::TableSchema& tick = **catalog->find("tick");
  EngineResult result;
  result.engine = "clickhouse";
  const std::filesystem::path dir = config.work_dir / "clickhouse";
  std::filesystem::remove_all(dir);
  for (const char* sub : {"data", "tmp", "user_files"}) std::filesystem::create_directories(dir / sub);
  Result<int> http_port = test::pick_free_port();
  Result<int> tcp_port = test::pick_free_port();
  if (!http_port.is_ok() || !tcp_port.is_ok()) return error(ErrorCode::kUnavailable, "no free port");
  std::ofstream(dir / "users.xml") << "<yandex><profiles><default><max_memory_usage>8000000000</max_memory_usage>"
                                      "</default></profiles><users><default><password></password><networks>"
                                      "<ip>::/0</ip></networks><profile>default</profile><quota>default</quota>"
                                      "</default></users><quotas><default></default></quotas></yandex>\n";
  std::ofstream(dir / "config.xml") << fmt::format(
      "<yandex><logger><level>warning</level><log>{0}/server.log</log><errorlog>{0}/error.log</errorlog>"
      "</logger><http_port>{1}</http_port><tcp_port>{2}</tcp_port><listen_host>127.0.0.1</listen_host>"
      "<path>{0}/data/</path><tmp_path>{0}/tmp/</tmp_path><user_files_path>{0}/user_files/</user_files_path>"
      "<users_config>{0}/users.xml</users_config><default_profile>default</default_profile>"
      "<default_database>default</default_database><mark_cache_size>536870912</mark_cache_size>"
      "<max_concurrent_queries>10</max_concurrent_queries></yandex>\n",
      dir.string(), *http_port, *tcp_port);
  Result<test::ChildProcess> server = test::ChildProcess::spawn(
      {.argv = {binary, "--config-file=" + (dir / "config.xml").string()}}, dir / "stdout.log");
  if (!server.is_ok()) return server.status();
  const bool ready = test::poll_until(std::chrono::seconds(60), [&] {
    return http_post(*http_port, "SELECT 1", "").is_ok() || !server->is_running();
  }, std::chrono::milliseconds(100));
  if (!ready || !server->is_running()) {
    return error(ErrorCode::kUnavailable, "clickhouse-server did not start: {}",
                 test::tail_of_file(dir / "error.log", 10));
  }
  Result<std::string> version = http_post(*http_port, "SELECT version()", "");
  result.notes = fmt::format("ClickHouse {}, MergeTree ORDER BY (symbol, ts), LZ4, RowBinary INSERT per "
                             "batch over HTTP; memory = the server's peak RSS",
                             version.is_ok() ? version->substr(0, version->size() - 1) : "?");
  std::string create = "CREATE TABLE tick (";
  for (const storage::ColumnDef& column : tick.columns) {
    create += column.field.name + (column.field.type == ColumnType::kString ? " String, " : " Int64, ");
  }
  create.resize(create.size() - 2);
  create += ") ENGINE = MergeTree() PARTITION BY intDiv(ts + 28800000, 86400000) ORDER BY (symbol, ts)";
  Result<std::string> created = http_post(*http_port, create, "");
  if (!created.is_ok()) return created.status();

  TickGenerator generator(tick, config.shape);
  RecordBatch batch;
  std::string body;
  while (generator.next(batch)) {
    body.clear();
    for (size_t row = 0; row < batch.num_rows(); ++row) {
      for (size_t column = 0; column < batch.num_columns(); ++column) {
        const Column& values = batch.column(column);
        if (values.values().index() == 4) {
          put_string(body, values.as<std::string>()[row]);
        } else {
          put_int(body, values.as<int64_t>()[row]);
        }
      }
    }
    Stopwatch write;
    Result<std::string> inserted = http_post(*http_port, "INSERT INTO tick FORMAT RowBinary", body);
    if (!inserted.is_ok()) return inserted.status();
    result.ingest_seconds += write.seconds();
    result.rows += static_cast<int64_t>(batch.num_rows());
  }
  result.raw_bytes = generator.raw_bytes();
  Stopwatch settle;
  Result<std::string> optimized = http_post(*http_port, "OPTIMIZE TABLE tick FINAL", "");
  if (!optimized.is_ok()) return optimized.status();
  result.settle_seconds = settle.seconds();
  Result<std::string> bytes = http_post(*http_port,
      "SELECT sum(bytes) FROM system.parts WHERE table = 'tick' AND active", "");
  if (!bytes.is_ok()) return bytes.status();
  result.bytes_on_disk = std::stoll(*bytes);

  const int32_t day = trading_day(0);
  const int64_t day_start = snapshot_time(day, 0) - 30 * 60'000;
  const int64_t day_end = day_start + 8 * 3'600'000;
  const std::string latest_sql =
      "SELECT * FROM tick WHERE (symbol, ts) IN (SELECT symbol, max(ts) FROM tick GROUP BY symbol) "
      "ORDER BY symbol FORMAT TabSeparated";
  const std::string resample_sql = fmt::format(
      "SELECT symbol, intDiv(ts, 60000) AS m, argMin(last, ts), max(last), min(last), argMax(last, ts), "
      "argMax(volume, ts), argMax(amount, ts), count() FROM tick WHERE ts >= {} AND ts < {} "
      "GROUP BY symbol, m ORDER BY symbol, m FORMAT TabSeparated",
      day_start, day_end);
  Stopwatch first;
  Result<std::string> latest = http_post(*http_port, latest_sql, "");
  if (!latest.is_ok()) return latest.status();
  result.latest_first_ms = first.millis();
  result.latest_rows = count_lines(*latest);
  std::vector<double> scans, latests, resamples;
  for (int run = 0; run < config.query_runs; ++run) {
    const std::string scan_sql = fmt::format(
        "SELECT * FROM tick WHERE symbol = '{}' AND ts >= {} AND ts < {} ORDER BY ts FORMAT TabSeparated",
        symbol_name((run * 7919) % config.shape.symbols), day_start, day_end);
    Stopwatch scan_time;
    Result<std::string> scan = http_post(*http_port, scan_sql, "");
    if (!scan.is_ok()) return scan.status();
    scans.push_back(scan_time.millis());
    result.scan_rows = count_lines(*scan);
    Stopwatch latest_time;
    latest = http_post(*http_port, latest_sql, "");
    if (!latest.is_ok()) return latest.status();
    latests.push_back(latest_time.millis());
  }
  const int resample_runs = std::max(3, config.query_runs / 5);
  for (int run = 0; run < resample_runs; ++run) {
    Stopwatch resample_time;
    Result<std::string> bars = http_post(*http_port, resample_sql, "");
    if (!bars.is_ok()) return bars.status();
    resamples.push_back(resample_time.millis());
    result.resample_rows = count_lines(*bars);
    int64_t checksum = 0;
    std::istringstream lines(*bars);
    std::string line;
    while (std::getline(lines, line)) {
      std::vector<std::string> fields;
      std::istringstream cells(line);
      std::string cell;
      while (std::getline(cells, cell, '\t')) fields.push_back(cell);
      if (fields.size() < 9) continue;
      for (int column : {2, 3, 4, 5, 8}) checksum += std::stoll(fields[static_cast<size_t>(column)]);
    }
    result.resample_checksum = checksum;
  }
  result.scan_ms = median_ms(scans);
  result.scan_p90_ms = p90_ms(scans);
  result.latest_ms = median_ms(latests);
  result.resample_ms = median_ms(resamples);
  result.peak_rss_mb = vm_hwm_mb(server->pid());
  server->terminate(std::chrono::seconds(30));
  return result;
}

}  // namespace mystocks::bench
