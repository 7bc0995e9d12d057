// RoomSnapshots: the newest message and the sequence number of every market room
// ("quote:600519.SH", "kline_1m:600519.SH", ...). Each push to a room takes the room's next
// number (1, 2, ...), so a client that applied the snapshot of sequence S expects S+1 next and
// knows it missed something when it sees a bigger one. A subscribe answers with the room's
// snapshot: the newest message pushed, or (after a restart, before the first push) what the
// snapshot source reads from the stores.
// Bounded: at most `max_rooms` rooms are tracked (one entry per kind and symbol ever pushed;
// A-shares need about 30,000); rooms beyond it are pushed without a sequence number.
// Thread-safety: all methods are safe from any thread; the source is called without the lock.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>

#include <boost/json/object.hpp>

#include "realtime/callout_mutex.h"

namespace mystocks::realtime {

class RoomSnapshots {
 public:
  // The stored state of a room ({symbol, data, timestamp}), or nullopt when there is none.
  using Source = std::function<std::optional<boost::json::object>(const std::string& room)>;

  explicit RoomSnapshots(size_t max_rooms = 200000) : max_rooms_(max_rooms) {}

  void set_source(Source source) { source_ = std::move(source); }

  // Stamps the room's next sequence number into `message` ("seq") and keeps the message as the
  // room's state. Callers serialise pushes, so numbers reach clients in order.
  void advance(const std::string& room, boost::json::object& message);

  // {room, seq, symbol, data, timestamp}: the newest message of the room with its number; when
  // nothing was pushed yet, the source's state with seq 0 (the next push is 1); data null when
  // neither knows the room.
  boost::json::object snapshot(const std::string& room, const std::string& symbol) const;

  size_t size() const;

 private:
  struct Entry {
    uint64_t seq = 0;
    boost::json::object message;  // empty until the first push
  };

  const size_t max_rooms_;
  Source source_;  // set once at start-up, before clients connect
  mutable CalloutMutex mutex_;
  std::unordered_map<std::string, Entry> rooms_;  // GUARDED_BY(mutex_)
};

}  // namespace mystocks::realtime
