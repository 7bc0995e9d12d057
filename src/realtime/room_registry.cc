#include "realtime/room_registry.h"

namespace mystocks::realtime {

bool RoomRegistry::join(const std::shared_ptr<Socket>& socket, const std::string& room) {
  std::lock_guard lock(mutex_);
  Room& entry = rooms_[key(socket->nsp, room)];
  const bool inserted = entry.sockets.emplace(socket->id, socket).second;
  if (inserted) entry.snapshot.reset();
  memberships_ += inserted ? 1 : 0;
  return inserted;
}

bool RoomRegistry::leave(const Socket& socket, const std::string& room) {
  std::lock_guard lock(mutex_);
  auto it = rooms_.find(key(socket.nsp, room));
  if (it == rooms_.end()) return false;
  const bool erased = it->second.sockets.erase(socket.id) > 0;
  if (erased) it->second.snapshot.reset();
  memberships_ -= erased ? 1 : 0;
  if (it->second.sockets.empty()) rooms_.erase(it);
  return erased;
}

RoomRegistry::Members RoomRegistry::members(const std::string& nsp, const std::string& room) const {
  static const Members kEmpty = std::make_shared<const std::vector<std::shared_ptr<Socket>>>();
  std::lock_guard lock(mutex_);
  auto it = rooms_.find(key(nsp, room));
  if (it == rooms_.end()) return kEmpty;
  if (!it->second.snapshot) {
    auto snapshot = std::make_shared<std::vector<std::shared_ptr<Socket>>>();
    snapshot->reserve(it->second.sockets.size());
    for (const auto& [id, socket] : it->second.sockets) snapshot->push_back(socket);
    it->second.snapshot = std::move(snapshot);
  }
  return it->second.snapshot;
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
