#include "realtime/backlog_sampler.h"

#include <algorithm>

#include <sys/ioctl.h>

#include "realtime/load_state.h"

namespace mystocks::bench {

BacklogSampler::BacklogSampler(const LoadState& state, std::chrono::milliseconds interval)
    : state_(state), interval_(interval), thread_([this] { run(); }) {}

BacklogSampler::~BacklogSampler() { stop(); }

Backlog BacklogSampler::stop() {
  stopping_.store(true);
  if (thread_.joinable()) thread_.join();
  return backlog_;
}

void BacklogSampler::run() {
  while (!stopping_.load()) {
    int64_t total = 0;
    for (const auto& slot : state_.socket_fds) {
      const int fd = slot.load(std::memory_order_relaxed);
      int unread = 0;
      // A descriptor closed and reused meanwhile only adds a few bytes to one sample.
      if (fd >= 0 && ::ioctl(fd, FIONREAD, &unread) == 0) {
        total += unread;
        backlog_.peak_socket_bytes = std::max<int64_t>(backlog_.peak_socket_bytes, unread);
      }
    }
    backlog_.peak_total_bytes = std::max(backlog_.peak_total_bytes, total);
    ++backlog_.samples;
    std::this_thread::sleep_for(interval_);
  }
}

}  // namespace mystocks::bench
