// RecoveryStore: connection state recovery as socket.io-client expects it. Every room broadcast
// gets a monotonically increasing offset (appended as the event's last argument) and is kept for
// the recovery window; a socket that drops unexpectedly leaves its id and rooms here under its
// private id. A client reconnecting within the window with {pid, offset} gets its id and rooms
// back and every packet it missed. Bounded by count and age. Thread-safe (one mutex).
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "realtime/callout_mutex.h"
#include "realtime/engineio_protocol.h"

namespace mystocks::realtime {

class RecoveryStore {
 public:
  RecoveryStore(int64_t window_ms, size_t max_packets) : window_ms_(window_ms), max_packets_(max_packets) {}

  // Reserves the next offset for a broadcast (call before encoding the packet).
  uint64_t next_offset();
  void record(uint64_t offset, const std::string& nsp, const std::string& room, WirePacket packet,
              int64_t now_ms);

  struct SavedSocket {
    std::string socket_id;
    std::string nsp;
    std::set<std::string> rooms;
    int64_t saved_at_ms = 0;
    uint64_t offset_at_save = 0;
  };
  void save(const std::string& pid, SavedSocket socket);

  struct Restored {
    SavedSocket socket;
    std::vector<WirePacket> missed;
  };
  // Takes the saved socket for `pid` (one use) if it is within the window and every packet after
  // `offset` is still buffered; otherwise nullopt (the client must resubscribe).
  std::optional<Restored> restore(const std::string& pid, const std::string& nsp,
                                  std::optional<uint64_t> offset, int64_t now_ms);

  // Drops expired sockets and packets.
  void expire(int64_t now_ms);
  size_t buffered_packets() const;

 private:
  struct Entry {
    uint64_t offset;
    std::string nsp;
    std::string room;
    WirePacket packet;
    int64_t at_ms;
  };

  const int64_t window_ms_;
  const size_t max_packets_;
  mutable CalloutMutex mutex_;
  uint64_t last_offset_ = 0;                                // GUARDED_BY(mutex_)
  uint64_t evicted_up_to_ = 0;                              // GUARDED_BY(mutex_)
  std::deque<Entry> packets_;                               // GUARDED_BY(mutex_)
  std::unordered_map<std::string, SavedSocket> sockets_;    // GUARDED_BY(mutex_)
};

}  // namespace mystocks::realtime
