#include <algorithm>
#include <chrono>
#include <ctime>
#include <system_error>

#include "engine.h"

namespace mystocks::bench {

double thread_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

double process_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

double median_ms(std::vector<double> samples) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  return samples[samples.size() / 2];
}

double p90_ms(std::vector<double> samples) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  return samples[std::min(samples.size() - 1, samples.size() * 9 / 10)];
}

Stopwatch::Stopwatch()
    : start_ns_(std::chrono::duration_cast<std::chrono::nanoseconds>(
                    std::chrono::steady_clock::now().time_since_epoch())
                    .count()) {}

double Stopwatch::seconds() const {
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
  return static_cast<double>(now - start_ns_) / 1e9;
}

int64_t directory_bytes(const std::filesystem::path& dir) {
  std::error_code code;
  int64_t total = 0;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, code);
       !code && it != std::filesystem::recursive_directory_iterator(); it.increment(code)) {
    if (it->is_regular_file(code)) total += static_cast<int64_t>(it->file_size(code));
  }
  return total;
}

}  // namespace mystocks::bench
