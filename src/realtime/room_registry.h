// RoomRegistry: which sockets are in which room, per namespace. Broadcasts copy the member list
// under the lock and send outside it. Thread-safe (one mutex; members() returns a snapshot).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "realtime/socket.h"

namespace mystocks::realtime {

class RoomRegistry {
 public:
  // Returns false when the socket was already a member.
  bool join(const std::shared_ptr<Socket>& socket, const std::string& room);
  bool leave(const Socket& socket, const std::string& room);
  std::vector<std::shared_ptr<Socket>> members(const std::string& nsp, const std::string& room) const;
  size_t room_count() const;
  size_t membership_count() const;

 private:
  static std::string key(const std::string& nsp, const std::string& room) { return nsp + '\n' + room; }

  mutable std::mutex mutex_;
  // nsp\nroom -> socket id -> socket
  std::unordered_map<std::string, std::unordered_map<std::string, std::shared_ptr<Socket>>> rooms_;
  size_t memberships_ = 0;
};

}  // namespace mystocks::realtime
