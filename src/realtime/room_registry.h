// RoomRegistry: which sockets are in which room, per namespace. Broadcasts get an immutable
// member snapshot and send outside the lock; the snapshot is rebuilt only after the room's
// membership changed, so repeated broadcasts to a stable room copy nothing.
// Thread-safe (one mutex; members() returns a shared snapshot that later changes do not touch).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "realtime/callout_mutex.h"
#include "realtime/socket.h"

namespace mystocks::realtime {

class RoomRegistry {
 public:
  // Returns false when the socket was already a member.
  bool join(const std::shared_ptr<Socket>& socket, const std::string& room);
  bool leave(const Socket& socket, const std::string& room);
  using Members = std::shared_ptr<const std::vector<std::shared_ptr<Socket>>>;
  // Never null; empty for an unknown room.
  Members members(const std::string& nsp, const std::string& room) const;
  size_t room_count() const;
  size_t membership_count() const;

 private:
  static std::string key(const std::string& nsp, const std::string& room) { return nsp + '\n' + room; }

  mutable CalloutMutex mutex_;
  struct Room {
    std::unordered_map<std::string, std::shared_ptr<Socket>> sockets;  // socket id -> socket
    mutable Members snapshot;  // null after a change; built by the next members()
  };
  std::unordered_map<std::string, Room> rooms_;  // nsp\nroom -> room
  size_t memberships_ = 0;
};

}  // namespace mystocks::realtime
