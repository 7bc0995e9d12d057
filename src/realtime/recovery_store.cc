#include "realtime/recovery_store.h"

namespace mystocks::realtime {

uint64_t RecoveryStore::next_offset() {
  std::lock_guard lock(mutex_);
  return ++last_offset_;
}

void RecoveryStore::record(uint64_t offset, const std::string& nsp, const std::string& room,
                           WirePacket packet, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  packets_.push_back({offset, nsp, room, std::move(packet), now_ms});
  while (packets_.size() > max_packets_) {
    evicted_up_to_ = std::max(evicted_up_to_, packets_.front().offset);
    packets_.pop_front();
  }
}

void RecoveryStore::save(const std::string& pid, SavedSocket socket) {
  std::lock_guard lock(mutex_);
  socket.offset_at_save = last_offset_;
  sockets_[pid] = std::move(socket);
}

std::optional<RecoveryStore::Restored> RecoveryStore::restore(const std::string& pid,
                                                              const std::string& nsp,
                                                              std::optional<uint64_t> offset,
                                                              int64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto it = sockets_.find(pid);
  if (it == sockets_.end()) return std::nullopt;
  SavedSocket saved = std::move(it->second);
  sockets_.erase(it);
  if (saved.nsp != nsp || now_ms - saved.saved_at_ms > window_ms_) return std::nullopt;
  // The client's own offset is the last packet it saw; without one, what it missed starts at
  // the moment it dropped.
  const uint64_t from = offset.value_or(saved.offset_at_save);
  if (from < evicted_up_to_) return std::nullopt;  // some missed packets are gone
  Restored restored{std::move(saved), {}};
  for (const Entry& entry : packets_) {
    if (entry.offset > from && entry.nsp == nsp && restored.socket.rooms.contains(entry.room)) {
      restored.missed.push_back(entry.packet);
    }
  }
  return restored;
}

void RecoveryStore::expire(int64_t now_ms) {
  std::lock_guard lock(mutex_);
  while (!packets_.empty() && now_ms - packets_.front().at_ms > window_ms_) {
    evicted_up_to_ = std::max(evicted_up_to_, packets_.front().offset);
    packets_.pop_front();
  }
  std::erase_if(sockets_, [&](const auto& entry) {
    return now_ms - entry.second.saved_at_ms > window_ms_;
  });
}

size_t RecoveryStore::buffered_packets() const {
  std::lock_guard lock(mutex_);
  return packets_.size();
}

}  // namespace mystocks::realtime
