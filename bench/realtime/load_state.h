// The state shared by the load generator's simulated clients and its control thread: the run's
// settings, connection counters, per-broadcast delivery counters and each I/O thread's samples.
// Thread-safety: LoadSettings is immutable once clients start. The atomics may be touched from
// any thread. ThreadStats[i] belongs to I/O thread i; the control thread reads it only through
// a task posted to that thread (see load_generator.cc), so it needs no lock.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace mystocks::bench {

struct LoadSettings {
  std::string host = "127.0.0.1";        // server address (IPv4 literal)
  uint16_t port = 0;                     // server HTTP port
  std::string nsp = "/market";           // Socket.IO namespace the clients join
  std::string room = "quote:600519.SH";  // every client subscribes to this one room
  std::vector<std::string> source_ips;   // loopback source addresses, round robin; empty = any
  uint32_t latency_broadcasts = 0;       // sequence numbers [0, latency_broadcasts) ...
  uint32_t warmup_broadcasts = 0;        // ... of which the first ones are not sampled ...
  uint32_t throughput_broadcasts = 0;    // ... then [latency_broadcasts, + throughput_broadcasts)

  // The event name clients expect: the room kind ("quote" for "quote:600519.SH").
  std::string kind() const { return room.substr(0, room.find(':')); }
  std::string symbol() const { return room.substr(room.find(':') + 1); }
  uint32_t total_broadcasts() const { return latency_broadcasts + throughput_broadcasts; }
};

// Samples and counters of one I/O thread; written only by that thread.
struct ThreadStats {
  // Delivery latency in microseconds (receive wall clock minus the publisher's sent_us), one
  // vector per phase: [0] spaced single broadcasts, [1] the back-to-back burst.
  std::vector<uint32_t> latency_us[2];
  int64_t last_receive_us[2] = {0, 0};  // wall clock of the phase's last delivery
  uint64_t events = 0;                  // room events received (every phase)
  uint64_t frames = 0;                  // WebSocket messages received, pings included
  uint64_t bytes = 0;                   // payload bytes of those messages
  uint64_t pings = 0;                   // Engine.IO pings answered
  uint64_t shapes_checked = 0;          // events fully parsed to check the payload shape
  uint64_t shape_errors = 0;
  uint64_t offsets_seen = 0;  // checked events that carried a recovery offset
  std::string first_shape_error;
};

struct LoadState {
  LoadState(LoadSettings load_settings, size_t threads, size_t connections)
      : settings(std::move(load_settings)),
        received(settings.total_broadcasts()),
        socket_fds(connections),
        thread_stats(threads) {
    for (auto& fd : socket_fds) fd.store(-1, std::memory_order_relaxed);
  }

  const LoadSettings settings;
  std::atomic<int64_t> in_flight{0};            // connections still handshaking or subscribing
  std::atomic<int64_t> subscribed{0};           // connections that got `subscribed`
  std::atomic<int64_t> failed{0};               // connections that never got there
  std::atomic<int64_t> lost{0};                 // subscribed connections the server closed later
  std::vector<std::atomic<uint32_t>> received;  // deliveries per broadcast sequence number
  // Each client's socket descriptor while it is subscribed (-1 otherwise), so the control thread
  // can measure unread bytes (FIONREAD): data piling up there would mean the generator lags.
  std::vector<std::atomic<int>> socket_fds;
  std::vector<ThreadStats> thread_stats;

  // Failure reasons, counted (connect refused, handshake timeout, ...), for the report.
  void count_failure(const std::string& reason) {
    std::lock_guard lock(failure_mutex);
    ++failures[reason];
  }
  std::map<std::string, int64_t> failure_counts() {
    std::lock_guard lock(failure_mutex);
    return failures;
  }

 private:
  std::mutex failure_mutex;
  std::map<std::string, int64_t> failures;  // GUARDED_BY(failure_mutex)
};

}  // namespace mystocks::bench
