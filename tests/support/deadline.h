// Deadline and poll_until: how the test harness waits for another process (a server becoming
// ready, a pid disappearing). A condition is re-checked at a short interval until it holds or the
// deadline passes, so no test depends on a fixed sleep being "long enough".
// Thread-safety: Deadline is a value type; poll_until runs on the calling thread only.
#pragma once

#include <algorithm>
#include <chrono>
#include <thread>

namespace mystocks::test {

class Deadline {
 public:
  using Clock = std::chrono::steady_clock;

  explicit Deadline(std::chrono::milliseconds timeout) : at_(Clock::now() + timeout) {}

  bool expired() const { return Clock::now() >= at_; }
  std::chrono::milliseconds remaining() const {
    return std::max(std::chrono::milliseconds(0),
                    std::chrono::duration_cast<std::chrono::milliseconds>(at_ - Clock::now()));
  }

 private:
  Clock::time_point at_;
};

// Default pause between two checks of a condition: short next to any server start-up, long
// enough not to burn one of the machine's two cores while waiting.
inline constexpr std::chrono::milliseconds kPollInterval{20};

// Calls done() until it returns true (=> true) or the timeout passes (=> false). done() is always
// called at least once, and once more at the deadline, so a zero timeout means "check now".
template <typename Predicate>
bool poll_until(std::chrono::milliseconds timeout, Predicate&& done,
                std::chrono::milliseconds interval = kPollInterval) {
  const Deadline deadline(timeout);
  while (true) {
    if (done()) return true;
    if (deadline.expired()) return false;
    std::this_thread::sleep_for(std::min(interval, deadline.remaining()));
  }
}

}  // namespace mystocks::test
