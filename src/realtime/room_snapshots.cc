#include "realtime/room_snapshots.h"

namespace mystocks::realtime {

namespace json = boost::json;

void RoomSnapshots::advance(const std::string& room, json::object& message) {
  std::lock_guard lock(mutex_);
  auto it = rooms_.find(room);
  if (it == rooms_.end()) {
    if (rooms_.size() >= max_rooms_) return;  // untracked: pushed without a number
    it = rooms_.emplace(room, Entry{}).first;
  }
  message["seq"] = ++it->second.seq;
  it->second.message = message;
}

json::object RoomSnapshots::snapshot(const std::string& room, const std::string& symbol) const {
  json::object result{{"room", room}, {"seq", 0}, {"symbol", symbol}, {"data", nullptr}};
  {
    std::lock_guard lock(mutex_);
    if (auto it = rooms_.find(room); it != rooms_.end()) {
      result["seq"] = it->second.seq;
      if (!it->second.message.empty()) {
        for (const auto& [key, value] : it->second.message) result[key] = value;
        return result;
      }
    }
  }
  assert_no_lock_held();
  if (source_) {
    if (std::optional<json::object> stored = source_(room)) {
      for (const auto& [key, value] : *stored) {
        if (key != "seq") result[key] = value;
      }
    }
  }
  return result;
}

size_t RoomSnapshots::size() const {
  std::lock_guard lock(mutex_);
  return rooms_.size();
}

}  // namespace mystocks::realtime
