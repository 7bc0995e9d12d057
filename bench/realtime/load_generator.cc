// Realtime fan-out load generator (docs/performance.md "Realtime fan-out"): opens N Socket.IO
// clients over WebSocket against a server, subscribes them all to one room, publishes broadcasts
// through the server's HTTP publish route and prints one JSON line: connections held, server RSS
// per connection, delivery latency of spaced single broadcasts (fan-out p50/p99/max), delivered
// messages/s of a back-to-back burst, and the CPU seconds the server and the generator itself spent
// in each phase (the generator must not be the bottleneck).
//   realtime_load_generator --server 127.0.0.1:8080 --server-pid 1234 --connections 10000
// Threads: `--threads` I/O threads, each with its own io_context and its share of the clients;
// the main thread paces connection ramp-up, publishes and waits on atomic counters.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <future>
#include <iostream>
#include <map>
#include <numeric>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <unistd.h>

#include "realtime/backlog_sampler.h"
#include "realtime/load_state.h"
#include "realtime/process_stats.h"
#include "realtime/publisher.h"
#include "realtime/simulated_client.h"

namespace mystocks::bench {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

// How often the generator's unread bytes are summed (10,000 ioctls per sample).
constexpr std::chrono::milliseconds kBacklogInterval{200};

struct Options {
  LoadSettings load;
  std::string label = "server";
  pid_t server_pid = 0;  // 0: no memory/CPU readings of the server
  int64_t connections = 1000;
  size_t threads = 2;
  double ramp_per_second = 2000;       // new connections started per second
  int64_t max_in_flight = 256;         // connections handshaking at once (bounds SYN backlog)
  int64_t connect_timeout_ms = 90000;  // all connections subscribed within this, or give up
  int64_t settle_ms = 2000;            // pause before the second RSS reading
  int64_t hold_ms = 0;                 // keep the connections this long before the phases
  int64_t latency_gap_ms = 200;        // pause between the spaced broadcasts
  int64_t broadcast_timeout_ms = 10000;
  std::string publish_path = "/api/v1/realtime/publish";
  std::string publish_token;  // bearer token for the publish route (MyStocks: an operator's)
};

int64_t wall_clock_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Other work on the machine (the 1-minute load average), recorded with each result.
double load_average() {
  double one_minute = -1;
  if (std::FILE* file = std::fopen("/proc/loadavg", "r")) {
    if (std::fscanf(file, "%lf", &one_minute) != 1) one_minute = -1;
    std::fclose(file);
  }
  return one_minute;
}

void sleep_ms(int64_t ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

[[noreturn]] void usage(const std::string& problem) {
  std::cerr
      << "load_generator: " << problem << "\n"
      << "usage: load_generator --server HOST:PORT [--server-pid PID] [--label NAME]\n"
      << "  [--connections N] [--threads T] [--ramp-rate PER_S] [--max-in-flight N]\n"
      << "  [--nsp /market] [--room quote:600519.SH] [--source-ips 127.0.0.1,127.0.0.2]\n"
      << "  [--warmup-broadcasts 1] [--latency-broadcasts 20] [--latency-gap-ms 200]\n"
      << "  [--throughput-broadcasts 100] [--broadcast-timeout-ms 10000]\n"
      << "  [--connect-timeout-ms 90000] [--settle-ms 2000] [--hold-ms 0] [--publish-path PATH] [--publish-token TOKEN]\n"
      << "Several processes: give all but one --hold-ms longer than the measuring one's run\n"
      << "and --warmup-broadcasts 0 --latency-broadcasts 0 --throughput-broadcasts 0.\n";
  std::exit(2);
}

Options parse_options(int argc, char** argv) {
  Options options;
  options.load.latency_broadcasts = 20;
  options.load.warmup_broadcasts = 1;
  options.load.throughput_broadcasts = 100;
  uint32_t timed_latency = 20;
  bool have_server = false;
  for (int index = 1; index < argc; index += 2) {
    const std::string key = argv[index];
    if (index + 1 >= argc) usage("missing value for " + key);
    const std::string value = argv[index + 1];
    try {
      if (key == "--server") {
        const size_t colon = value.rfind(':');
        if (colon == std::string::npos) usage("--server wants HOST:PORT, got " + value);
        options.load.host = value.substr(0, colon);
        options.load.port = static_cast<uint16_t>(std::stoi(value.substr(colon + 1)));
        have_server = true;
      } else if (key == "--server-pid")
        options.server_pid = std::stoi(value);
      else if (key == "--label")
        options.label = value;
      else if (key == "--connections")
        options.connections = std::stoll(value);
      else if (key == "--threads")
        options.threads = std::max(1, std::stoi(value));
      else if (key == "--ramp-rate")
        options.ramp_per_second = std::stod(value);
      else if (key == "--max-in-flight")
        options.max_in_flight = std::stoll(value);
      else if (key == "--nsp")
        options.load.nsp = value;
      else if (key == "--room")
        options.load.room = value;
      else if (key == "--warmup-broadcasts")
        options.load.warmup_broadcasts = std::stoul(value);
      else if (key == "--latency-broadcasts")
        timed_latency = std::stoul(value);
      else if (key == "--latency-gap-ms")
        options.latency_gap_ms = std::stoll(value);
      else if (key == "--throughput-broadcasts")
        options.load.throughput_broadcasts = std::stoul(value);
      else if (key == "--broadcast-timeout-ms")
        options.broadcast_timeout_ms = std::stoll(value);
      else if (key == "--connect-timeout-ms")
        options.connect_timeout_ms = std::stoll(value);
      else if (key == "--settle-ms")
        options.settle_ms = std::stoll(value);
      else if (key == "--hold-ms")
        options.hold_ms = std::stoll(value);
      else if (key == "--publish-path")
        options.publish_path = value;
      else if (key == "--publish-token")
        options.publish_token = value;
      else if (key == "--source-ips") {
        for (size_t start = 0; start <= value.size();) {
          size_t end = value.find(',', start);
          if (end == std::string::npos) end = value.size();
          if (end > start) options.load.source_ips.push_back(value.substr(start, end - start));
          start = end + 1;
        }
      } else {
        usage("unknown option " + key);
      }
    } catch (const std::exception&) {
      usage("bad value '" + value + "' for " + key);
    }
  }
  if (!have_server) usage("--server is required");
  if (options.load.room.find(':') == std::string::npos) usage("--room wants kind:symbol");
  options.load.latency_broadcasts = options.load.warmup_broadcasts + timed_latency;
  return options;
}

struct Percentiles {
  size_t count = 0;
  double p50_ms = 0, p90_ms = 0, p99_ms = 0, max_ms = 0;
};

Percentiles percentiles(std::vector<uint32_t> samples_us) {
  Percentiles result;
  result.count = samples_us.size();
  if (samples_us.empty()) return result;
  std::sort(samples_us.begin(), samples_us.end());
  auto at = [&](double fraction) {  // nearest rank
    const size_t rank =
        static_cast<size_t>(std::ceil(fraction * static_cast<double>(samples_us.size())));
    return samples_us[std::clamp<size_t>(rank, 1, samples_us.size()) - 1] / 1000.0;
  };
  result.p50_ms = at(0.50);
  result.p90_ms = at(0.90);
  result.p99_ms = at(0.99);
  result.max_ms = samples_us.back() / 1000.0;
  return result;
}

json::object to_json(const Percentiles& value) {
  return {{"samples", value.count},
          {"p50_ms", value.p50_ms},
          {"p90_ms", value.p90_ms},
          {"p99_ms", value.p99_ms},
          {"max_ms", value.max_ms}};
}

// CPU seconds of the server and of the generator over one phase, with its wall time.
struct CpuWindow {
  explicit CpuWindow(pid_t pid) : pid_(pid) { reset(); }
  void reset() {
    started_ = Clock::now();
    server_ = pid_ ? process_cpu_seconds(pid_) : 0;
    own_ = own_cpu_seconds();
  }
  void add_to(json::object& out) const {
    out["wall_s"] = std::chrono::duration<double>(Clock::now() - started_).count();
    out["server_cpu_s"] = pid_ ? process_cpu_seconds(pid_) - server_ : -1.0;
    out["generator_cpu_s"] = own_cpu_seconds() - own_;
  }

 private:
  pid_t pid_;
  Clock::time_point started_;
  double server_ = 0, own_ = 0;
};

class Generator {
 public:
  explicit Generator(Options options)
      : options_(std::move(options)),
        state_(options_.load, options_.threads, static_cast<size_t>(options_.connections)) {
    for (size_t index = 0; index < options_.threads; ++index) {
      contexts_.push_back(std::make_unique<asio::io_context>(1));
      guards_.emplace_back(contexts_.back()->get_executor());
    }
    for (auto& context : contexts_) threads_.emplace_back([&context] { context->run(); });
  }

  json::object run() {
    json::object report{{"server", options_.label},
                        {"room", options_.load.room},
                        {"connections_target", options_.connections},
                        {"generator_threads", options_.threads},
                        {"load_average_1m", load_average()}};
    const int64_t rss_before = options_.server_pid ? resident_kb(options_.server_pid) : -1;
    connect_all(report);
    sleep_ms(options_.settle_ms);
    const int64_t rss_after = options_.server_pid ? resident_kb(options_.server_pid) : -1;
    const int64_t held = state_.subscribed.load() - state_.lost.load();
    report["connected"] = held;
    report["server_rss_before_kb"] = rss_before;
    report["server_rss_after_kb"] = rss_after;
    report["server_bytes_per_connection"] =
        held > 0 && rss_before > 0 ? static_cast<double>(rss_after - rss_before) * 1024.0 / held
                                   : -1.0;
    sleep_ms(options_.hold_ms);

    // A holding process (no broadcasts) never contacts the publish route.
    Publisher publisher(options_.load.host, options_.load.port, options_.publish_path,
                        options_.publish_token);
    json::object latency = run_latency_phase(publisher);
    json::object throughput = run_throughput_phase(publisher);
    add_samples(report, latency, throughput);
    report["latency"] = std::move(latency);
    report["throughput"] = std::move(throughput);
    report["connected_at_end"] = state_.subscribed.load() - state_.lost.load();
    report["server_rss_end_kb"] = options_.server_pid ? resident_kb(options_.server_pid) : -1;
    report["generator_rss_kb"] = resident_kb(getpid());
    json::object failures;
    for (const auto& [reason, count] : state_.failure_counts()) failures[reason] = count;
    report["failures"] = std::move(failures);
    return report;
  }

 private:
  // Starts connections at the ramp rate, at most max_in_flight handshaking at once.
  void connect_all(json::object& report) {
    const auto started = Clock::now();
    const auto deadline = started + std::chrono::milliseconds(options_.connect_timeout_ms);
    auto last_progress = started;
    for (int64_t index = 0; index < options_.connections && Clock::now() < deadline; ++index) {
      const auto due = started + std::chrono::microseconds(
                                     static_cast<int64_t>(1e6 * index / options_.ramp_per_second));
      std::this_thread::sleep_until(due);
      while (state_.in_flight.load() >= options_.max_in_flight && Clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      }
      const size_t thread_index = static_cast<size_t>(index) % contexts_.size();
      state_.in_flight.fetch_add(1);
      spawn_client(*contexts_[thread_index], state_, thread_index, static_cast<size_t>(index));
      if (Clock::now() - last_progress > std::chrono::seconds(2)) {
        last_progress = Clock::now();
        std::cerr << options_.label << ": " << state_.subscribed.load() << " subscribed, "
                  << state_.failed.load() << " failed of " << index + 1 << " started\n";
      }
    }
    while (state_.in_flight.load() > 0 && Clock::now() < deadline) sleep_ms(5);
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    report["connect_s"] = seconds;
    report["connect_per_s"] = state_.subscribed.load() / seconds;
    report["connect_failed"] = state_.failed.load();
    report["connect_unfinished"] = state_.in_flight.load();
    std::cerr << options_.label << ": " << state_.subscribed.load() << " subscribed, "
              << state_.failed.load() << " failed in " << seconds << " s\n";
  }

  int64_t alive() const { return state_.subscribed.load() - state_.lost.load(); }

  // Spaced single broadcasts: each one is published after the previous reached every client,
  // so its latency is the fan-out time of one message to the whole room.
  json::object run_latency_phase(Publisher& publisher) {
    json::object phase{
        {"broadcasts", options_.load.latency_broadcasts - options_.load.warmup_broadcasts},
        {"warmup_broadcasts", options_.load.warmup_broadcasts}};
    CpuWindow cpu(options_.server_pid);
    BacklogSampler backlog(state_, kBacklogInterval);
    std::vector<uint32_t> completion_us;
    int64_t expected = 0;
    int64_t delivered = 0;
    for (uint32_t seq = 0; seq < options_.load.latency_broadcasts; ++seq) {
      if (seq == options_.load.warmup_broadcasts) cpu.reset();
      const int64_t members = alive();
      const int64_t sent_us = wall_clock_us();
      if (std::string failure = publish(publisher, seq); !failure.empty()) {
        phase["error"] = failure;
        break;
      }
      const auto deadline = Clock::now() + std::chrono::milliseconds(options_.broadcast_timeout_ms);
      while (state_.received[seq].load() < members && Clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::microseconds(250));
      }
      if (seq >= options_.load.warmup_broadcasts) {
        completion_us.push_back(static_cast<uint32_t>(wall_clock_us() - sent_us));
        expected += members;
        delivered += state_.received[seq].load();
      }
      sleep_ms(options_.latency_gap_ms);
    }
    cpu.add_to(phase);
    add_backlog(phase, backlog.stop());
    phase["expected"] = expected;
    phase["delivered"] = delivered;
    const Percentiles completion = percentiles(std::move(completion_us));
    phase["all_reached_p50_ms"] = completion.p50_ms;  // polled every 0.25 ms: approximate
    phase["all_reached_max_ms"] = completion.max_ms;
    return phase;
  }

  // A burst of back-to-back broadcasts (each publish waits for its HTTP answer): delivered
  // messages per second from the first publish to the last delivery.
  json::object run_throughput_phase(Publisher& publisher) {
    const uint32_t first = options_.load.latency_broadcasts;
    const uint32_t count = options_.load.throughput_broadcasts;
    json::object phase{{"broadcasts", count}};
    if (count == 0) return phase;
    const int64_t members = alive();
    CpuWindow cpu(options_.server_pid);
    BacklogSampler backlog(state_, kBacklogInterval);
    started_us_ = wall_clock_us();
    for (uint32_t seq = first; seq < first + count; ++seq) {
      if (std::string failure = publish(publisher, seq); !failure.empty()) {
        phase["error"] = failure;
        break;
      }
    }
    phase["publish_s"] = (wall_clock_us() - started_us_) / 1e6;
    auto delivered = [&] {
      int64_t sum = 0;
      for (uint32_t seq = first; seq < first + count; ++seq) sum += state_.received[seq].load();
      return sum;
    };
    const int64_t offered = members * count;
    const auto deadline =
        Clock::now() + std::chrono::milliseconds(options_.broadcast_timeout_ms) * 6;
    int64_t seen = delivered();
    auto last_progress = Clock::now();
    while (seen < offered && Clock::now() < deadline &&
           Clock::now() - last_progress <
               std::chrono::milliseconds(options_.broadcast_timeout_ms)) {
      sleep_ms(1);
      if (const int64_t now_seen = delivered(); now_seen != seen) {
        seen = now_seen;
        last_progress = Clock::now();
      }
    }
    cpu.add_to(phase);
    add_backlog(phase, backlog.stop());
    phase["offered"] = offered;
    phase["delivered"] = seen;
    return phase;
  }

  static void add_backlog(json::object& phase, const Backlog& backlog) {
    phase["generator_backlog"] = json::object{{"samples", backlog.samples},
                                              {"peak_total_bytes", backlog.peak_total_bytes},
                                              {"peak_socket_bytes", backlog.peak_socket_bytes}};
  }

  std::string publish(Publisher& publisher, uint32_t seq) {
    return publisher.publish(options_.load.kind(), options_.load.symbol(), seq);
  }

  // Gathers every I/O thread's samples on that thread (no lock needed), then summarises.
  void add_samples(json::object& report, json::object& latency, json::object& throughput) {
    std::vector<ThreadStats> all;
    for (auto& context : contexts_) {
      std::promise<ThreadStats> promise;
      std::future<ThreadStats> future = promise.get_future();
      const size_t index = all.size();
      asio::post(*context,
                 [&, index] { promise.set_value(std::move(state_.thread_stats[index])); });
      all.push_back(future.get());
    }
    std::vector<uint32_t> phase_samples[2];
    int64_t last_receive_us = 0;
    uint64_t frames = 0, bytes = 0, pings = 0, events = 0, checked = 0, shape_errors = 0,
             offsets = 0;
    std::string first_error;
    for (ThreadStats& stats : all) {
      for (int phase = 0; phase < 2; ++phase) {
        phase_samples[phase].insert(phase_samples[phase].end(), stats.latency_us[phase].begin(),
                                    stats.latency_us[phase].end());
      }
      last_receive_us = std::max(last_receive_us, stats.last_receive_us[1]);
      frames += stats.frames;
      bytes += stats.bytes;
      pings += stats.pings;
      events += stats.events;
      checked += stats.shapes_checked;
      shape_errors += stats.shape_errors;
      offsets += stats.offsets_seen;
      if (first_error.empty()) first_error = stats.first_shape_error;
    }
    latency["delivery"] = to_json(percentiles(std::move(phase_samples[0])));
    if (throughput["broadcasts"].to_number<int64_t>() > 0) {
      const int64_t delivered = throughput["delivered"].to_number<int64_t>();
      const double seconds = std::max<int64_t>(1, last_receive_us - started_us_) / 1e6;
      throughput["seconds"] = seconds;
      throughput["messages_per_s"] = delivered / seconds;
      // Generator CPU per delivered message (all phases' parsing included): its ceiling in
      // messages/s on its threads is threads / this, compared with what the servers delivered.
      const double cpu = throughput["generator_cpu_s"].to_number<double>();
      throughput["generator_cpu_us_per_message"] = delivered > 0 ? cpu * 1e6 / delivered : -1.0;
      throughput["generator_ceiling_messages_per_s"] =
          cpu > 0 ? static_cast<double>(options_.threads) * delivered / cpu : -1.0;
      throughput["delivery"] = to_json(percentiles(std::move(phase_samples[1])));
    }
    report["frames"] = frames;
    report["frame_bytes"] = bytes;
    report["room_events"] = events;
    report["pings_answered"] = pings;
    report["shape"] = json::object{{"checked", checked},
                                   {"errors", shape_errors},
                                   {"with_recovery_offset", offsets},
                                   {"first_error", first_error}};
  }

  Options options_;
  LoadState state_;
  std::vector<std::unique_ptr<asio::io_context>> contexts_;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards_;
  std::vector<std::thread> threads_;
  int64_t started_us_ = 0;  // wall clock of the burst's first publish
};

}  // namespace
}  // namespace mystocks::bench

int main(int argc, char** argv) {
  using namespace mystocks::bench;
  Generator generator(parse_options(argc, argv));
  const boost::json::object report = generator.run();
  std::cout << boost::json::serialize(report) << std::endl;
  // Tearing down tens of thousands of coroutines and sockets one by one measures nothing and can
  // take seconds; the kernel closes the sockets when the process exits.
  std::fflush(nullptr);
  _exit(0);
}
