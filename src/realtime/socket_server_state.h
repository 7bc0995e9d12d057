// SocketServer's per-session state, shared by its two translation units (socket_server.cc:
// packets, connects, events, acks; socket_server_rooms.cc: emitting, rooms, broadcast and the
// session lifecycle). Internal to realtime/.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "realtime/callout_mutex.h"
#include "realtime/socket_server.h"

namespace mystocks::realtime {

// Per-session Socket.IO state: connected namespaces and a binary packet awaiting attachments.
struct SocketServer::SessionState {
  std::shared_ptr<EngineSession> session;
  CalloutMutex mutex;
  std::map<std::string, std::shared_ptr<Socket>> sockets;  // GUARDED_BY(mutex): nsp -> socket
  std::optional<SocketPacket> partial_binary;              // GUARDED_BY(mutex)
};

}  // namespace mystocks::realtime
