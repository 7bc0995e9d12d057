// The realtime layer's lock rule: a thread that holds a session, socket, room or channel lock
// makes no call out of the component — no callback (event handler, ack, hook, transport waker),
// no close and no send. A call out may re-enter the server (a send that overflows closes the
// session, and closing takes the session's and its sockets' locks again), so one call out under
// a lock is a self-deadlock that freezes an I/O thread and, with it, the whole server.
// Every such lock is a CalloutMutex. In debug builds it counts the locks the calling thread
// holds, and each call-out site asserts the count is zero (assert_no_lock_held), so a violation
// aborts the first test that reaches it instead of hanging in production. Release builds keep a
// plain std::mutex. Thread-safety: a mutex, usable with std::lock_guard and std::unique_lock.
#pragma once

#include <cassert>
#include <mutex>

namespace mystocks::realtime {

class CalloutMutex {
 public:
  void lock() {
    mutex_.lock();
    count_acquired();
  }
  bool try_lock() {
    if (!mutex_.try_lock()) return false;
    count_acquired();
    return true;
  }
  void unlock() {
    count_released();
    mutex_.unlock();
  }

  // Realtime locks the calling thread holds now (always 0 in release builds).
  static int held_by_this_thread() {
#ifndef NDEBUG
    return held_;
#else
    return 0;
#endif
  }

 private:
#ifndef NDEBUG
  void count_acquired() { ++held_; }
  void count_released() { --held_; }
  static inline thread_local int held_ = 0;
#else
  void count_acquired() {}
  void count_released() {}
#endif
  std::mutex mutex_;
};

// Call at every call out of the realtime layer (see the rule above).
inline void assert_no_lock_held() {
  assert(CalloutMutex::held_by_this_thread() == 0 &&
         "realtime: call out (callback, close or send) while holding a realtime lock");
}

}  // namespace mystocks::realtime
