// Watches the load generator's own receive queues while a phase runs: every interval it sums the
// unread bytes (FIONREAD) of every subscribed client socket. If the generator could not keep up
// with a server, deliveries would pile up there; a peak near zero shows the server, not the
// generator, set the pace.
// Thread-safety: start() and stop() from one (control) thread; the sampler runs its own thread
// and reads only LoadState::socket_fds (atomics).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>

namespace mystocks::bench {

struct LoadState;

struct Backlog {
  int64_t samples = 0;
  int64_t peak_total_bytes = 0;   // largest sum over all sockets at one sample
  int64_t peak_socket_bytes = 0;  // largest single socket's unread bytes
};

class BacklogSampler {
 public:
  BacklogSampler(const LoadState& state, std::chrono::milliseconds interval);
  ~BacklogSampler();
  BacklogSampler(const BacklogSampler&) = delete;
  BacklogSampler& operator=(const BacklogSampler&) = delete;

  // Stops sampling (idempotent) and returns what was seen.
  Backlog stop();

 private:
  void run();

  const LoadState& state_;
  const std::chrono::milliseconds interval_;
  std::atomic<bool> stopping_{false};
  Backlog backlog_;  // written by the sampler thread until it is joined
  std::thread thread_;
};

}  // namespace mystocks::bench
