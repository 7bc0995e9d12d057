#include "realtime/room_registry.h"

namespace mystocks::realtime {

bool RoomRegistry::join(const std::shared_ptr<Socket>& socket, const std::string& room) {
  std::lock_guard lock(mutex_);
  const bool inserted = rooms_[key(socket->nsp, room)].emplace(socket->id, socket).second;
  memberships_ += inserted ? 1 : 0;
  return inserted;
}

bool RoomRegistry::leave(const Socket& socket, const std::string& room) {
  std::lock_guard lock(mutex_);
  auto it = rooms_.find(key(socket.nsp, room));
  if (it == rooms_.end()) return false;
  const bool erased = it->second.erase(socket.id) > 0;
  memberships_ -= erased ? 1 : 0;
  if (it->second.empty()) rooms_.erase(it);
  return erased;
}

std::vector<std::shared_ptr<Socket>> RoomRegistry::members(const std::string& nsp,
                                                           const std::string& room) const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<Socket>> out;
  auto it = rooms_.find(key(nsp, room));
  if (it == rooms_.end()) return out;
  out.reserve(it->second.size());
  for (const auto& [id, socket] : it->second) out.push_back(socket);
  return out;
}

size_t RoomRegistry::room_count() const {
  std::lock_guard lock(mutex_);
  return rooms_.size();
}

size_t RoomRegistry::membership_count() const {
  std::lock_guard lock(mutex_);
  return memberships_;
}

}  // namespace mystocks::realtime
