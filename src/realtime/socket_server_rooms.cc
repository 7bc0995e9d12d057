// SocketServer, second half: emitting to sockets, rooms and broadcast, disconnects, the
// heartbeat/queue tick, and registration of namespaces, events and hooks (socket_server.h).
#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include "realtime/socket_server.h"
#include "realtime/socket_server_state.h"

namespace mystocks::realtime {

namespace json = boost::json;

void SocketServer::send_packet(const std::shared_ptr<Socket>& socket, const SocketPacket& packet) {
  deliver(socket->session, encode_packet(EnginePacketType::kMessage, encode_socket_packet(packet)));
  for (const std::string& attachment : packet.attachments) deliver(socket->session, encode_binary(attachment));
}

void SocketServer::deliver(const std::shared_ptr<EngineSession>& session, WirePacket packet,
                           const std::string& conflation_key) {
  assert_no_lock_held();
  switch (session->send(std::move(packet), conflation_key)) {
    case EngineSession::SendResult::kQueued: messages_out_.inc(); break;
    case EngineSession::SendResult::kConflated: conflated_.inc(); break;
    case EngineSession::SendResult::kClosed: dropped_.inc(); break;
    case EngineSession::SendResult::kOverflow: overflow(session); break;
  }
}

void SocketServer::overflow(const std::shared_ptr<EngineSession>& session) {
  dropped_.inc();
  spdlog::warn("realtime session {} is too slow ({} packets queued); disconnecting it",
               session->sid(), session->queued());
  close_session(session, "slow consumer");
}

void SocketServer::emit(const std::shared_ptr<Socket>& socket, const std::string& event,
                        json::array args, std::vector<std::string> attachments) {
  args.insert(args.begin(), json::value(event));
  SocketPacket packet{.type = attachments.empty() ? SocketPacketType::kEvent
                                                  : SocketPacketType::kBinaryEvent,
                      .nsp = socket->nsp};
  packet.data = std::move(args);
  packet.attachments = std::move(attachments);
  send_packet(socket, packet);
}

void SocketServer::emit_with_ack(const std::shared_ptr<Socket>& socket, const std::string& event,
                                 json::array args, AckCallback callback, int64_t timeout_ms) {
  int64_t id = 0;
  {
    std::lock_guard lock(socket->mutex);
    id = socket->next_ack_id++;
    socket->pending_acks[id] = {clock_.now_ms() + (timeout_ms > 0 ? timeout_ms : options_.ack_timeout_ms),
                                std::move(callback)};
  }
  args.insert(args.begin(), json::value(event));
  SocketPacket packet{.type = SocketPacketType::kEvent, .nsp = socket->nsp, .id = id};
  packet.data = std::move(args);
  send_packet(socket, packet);
}

Status SocketServer::join(const std::shared_ptr<Socket>& socket, const std::string& room) {
  assert_no_lock_held();
  if (join_hook_) MYSTOCKS_RETURN_IF_ERROR(join_hook_(*socket, room));
  {
    std::lock_guard lock(socket->mutex);
    if (!socket->connected) return error(ErrorCode::kFailedPrecondition, "socket is disconnected");
    socket->rooms.insert(room);
  }
  rooms_.join(socket, room);
  rooms_gauge_.set(static_cast<double>(rooms_.room_count()));
  memberships_gauge_.set(static_cast<double>(rooms_.membership_count()));
  return Status::ok();
}

bool SocketServer::leave(const std::shared_ptr<Socket>& socket, const std::string& room) {
  {
    std::lock_guard lock(socket->mutex);
    socket->rooms.erase(room);
  }
  const bool left = rooms_.leave(*socket, room);
  rooms_gauge_.set(static_cast<double>(rooms_.room_count()));
  memberships_gauge_.set(static_cast<double>(rooms_.membership_count()));
  return left;
}

size_t SocketServer::broadcast(const std::string& nsp, const std::string& room, const std::string& event,
                               json::array args, const std::string& conflation_key) {
  const RoomRegistry::Members members = rooms_.members(nsp, room);
  const bool recover = options_.recovery && options_.recovery_namespaces.contains(nsp);
  const uint64_t offset = recover ? recovery_.next_offset() : 0;
  args.insert(args.begin(), json::value(event));
  if (recover) args.push_back(json::value(std::to_string(offset)));  // client tracks it
  SocketPacket packet{.type = SocketPacketType::kEvent, .nsp = nsp};
  packet.data = std::move(args);
  WirePacket wire = encode_packet(EnginePacketType::kMessage, encode_socket_packet(packet));
  if (recover) recovery_.record(offset, nsp, room, wire, clock_.now_ms());
  // Sockets that opted out of offsets share a second encoding without it, made only if needed.
  std::optional<WirePacket> plain;
  auto wire_for = [&](const Socket& member) -> const WirePacket& {
    if (!recover || member.offsets) return wire;
    if (!plain) {
      packet.data.as_array().pop_back();
      plain = encode_packet(EnginePacketType::kMessage, encode_socket_packet(packet));
    }
    return *plain;
  };
  const EngineSession::ConflationKey key =
      conflation_key.empty() ? nullptr : std::make_shared<const std::string>(nsp + ' ' + conflation_key);
  // The shared packet goes to every member; counters are summed here and updated once.
  size_t queued = 0;
  size_t conflated = 0;
  for (const auto& member : *members) {
    switch (member->session->send(wire_for(*member), key)) {
      case EngineSession::SendResult::kQueued: ++queued; break;
      case EngineSession::SendResult::kConflated: ++conflated; break;
      case EngineSession::SendResult::kClosed: dropped_.inc(); break;
      case EngineSession::SendResult::kOverflow: overflow(member->session); break;
    }
  }
  if (queued > 0) messages_out_.inc(static_cast<double>(queued));
  if (conflated > 0) conflated_.inc(static_cast<double>(conflated));
  return members->size();
}

void SocketServer::disconnect_socket(const std::shared_ptr<Socket>& socket, bool recoverable) {
  std::set<std::string> rooms;
  std::map<int64_t, Socket::PendingAck> acks;
  {
    std::lock_guard lock(socket->mutex);
    if (!socket->connected) return;
    socket->connected = false;
    rooms = socket->rooms;
    acks.swap(socket->pending_acks);
  }
  for (const std::string& room : rooms) rooms_.leave(*socket, room);
  if (recoverable && socket->offsets) {
    recovery_.save(socket->pid, {.socket_id = socket->id, .nsp = socket->nsp, .rooms = rooms,
                                 .saved_at_ms = clock_.now_ms()});
  }
  assert_no_lock_held();
  for (auto& [id, ack] : acks) {
    ack.callback(error(ErrorCode::kCancelled, "socket disconnected before acknowledging"));
  }
  rooms_gauge_.set(static_cast<double>(rooms_.room_count()));
  memberships_gauge_.set(static_cast<double>(rooms_.membership_count()));
}

void SocketServer::close_session(const std::shared_ptr<EngineSession>& session,
                                 const std::string& reason) {
  assert_no_lock_held();
  std::shared_ptr<SessionState> state;
  {
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(session->sid());
    if (it == sessions_.end()) return;
    state = it->second;
    sessions_.erase(it);
    sessions_gauge_.set(static_cast<double>(sessions_.size()));
  }
  session->close(reason);
  disconnects_.with({reason}).inc();
  std::map<std::string, std::shared_ptr<Socket>> sockets;
  {
    std::lock_guard lock(state->mutex);
    sockets.swap(state->sockets);
  }
  // Anything but a clean client close may be a network blip: keep state for recovery.
  const bool recoverable = options_.recovery && reason != "client close";
  for (auto& [nsp, socket] : sockets) disconnect_socket(socket, recoverable);
}

void SocketServer::tick() {
  const int64_t now = clock_.now_ms();
  std::vector<std::shared_ptr<SessionState>> states;
  {
    std::lock_guard lock(mutex_);
    const int64_t period = std::max<int64_t>(
        10, std::min(options_.engine.ping_interval_ms, options_.engine.ping_timeout_ms) / 10);
    if (now - last_heartbeat_scan_ms_ < period) return;
    last_heartbeat_scan_ms_ = now;
    states.reserve(sessions_.size());
    for (const auto& [sid, state] : sessions_) states.push_back(state);
  }
  size_t queued_total = 0;
  size_t queued_max = 0;
  const WirePacket ping = encode_packet(EnginePacketType::kPing);  // one buffer for every session
  for (const auto& state : states) {
    const size_t queued = state->session->queued();
    queued_total += queued;
    queued_max = std::max(queued_max, queued);
    bool timed_out = false;
    if (state->session->heartbeat_due(now, timed_out)) {
      deliver(state->session, ping);
    } else if (timed_out) {
      close_session(state->session, "ping timeout");
      continue;
    }
    std::vector<std::pair<std::shared_ptr<Socket>, AckCallback>> expired;
    std::vector<std::shared_ptr<Socket>> credential_expired;
    {
      std::lock_guard lock(state->mutex);
      for (auto it = state->sockets.begin(); it != state->sockets.end();) {
        const int64_t until = it->second->principal.expires_at_ms;
        if (until > 0 && until <= now) {
          credential_expired.push_back(it->second);
          it = state->sockets.erase(it);
        } else {
          ++it;
        }
      }
      for (const auto& [nsp, socket] : state->sockets) {
        std::lock_guard socket_lock(socket->mutex);
        for (auto it = socket->pending_acks.begin(); it != socket->pending_acks.end();) {
          if (it->second.deadline_ms <= now) {
            expired.emplace_back(socket, std::move(it->second.callback));
            it = socket->pending_acks.erase(it);
          } else {
            ++it;
          }
        }
      }
    }
    assert_no_lock_held();
    for (auto& [socket, callback] : expired) {
      callback(error(ErrorCode::kDeadlineExceeded, "client did not acknowledge within the timeout"));
    }
    for (const std::shared_ptr<Socket>& socket : credential_expired) end_expired(socket);
  }
  queued_total_.set(static_cast<double>(queued_total));
  queued_max_.set(static_cast<double>(queued_max));
  recovery_.expire(now);
}

void SocketServer::end_expired(const std::shared_ptr<Socket>& socket) {
  // Like Node's socket.disconnect(): the client learns why, then gets DISCONNECT for the
  // namespace; the Engine.IO connection stays for its other namespaces.
  emit(socket, "auth_expired",
       json::array{json::object{{"message", "the access token expired: connect again with a fresh one"}}});
  send_packet(socket, SocketPacket{.type = SocketPacketType::kDisconnect, .nsp = socket->nsp});
  disconnect_socket(socket, /*recoverable=*/false);
  auth_expired_.inc();
}

SocketServer::QueueDepth SocketServer::queue_depth() const {
  std::vector<std::shared_ptr<SessionState>> states;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [sid, state] : sessions_) states.push_back(state);
  }
  QueueDepth depth;
  for (const auto& state : states) {
    const size_t queued = state->session->queued();
    depth.total += queued;
    depth.max = std::max(depth.max, queued);
  }
  return depth;
}

void SocketServer::close_all(const std::string& reason) {
  std::vector<std::shared_ptr<EngineSession>> sessions;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [sid, state] : sessions_) sessions.push_back(state->session);
  }
  for (const auto& session : sessions) close_session(session, reason);
}

void SocketServer::add_namespace(const std::string& nsp) { handlers_[nsp]; }

void SocketServer::on(const std::string& nsp, const std::string& event, EventHandler handler) {
  handlers_[nsp][event] = std::move(handler);
}

void SocketServer::set_join_hook(JoinHook hook) { join_hook_ = std::move(hook); }
void SocketServer::set_auth_hook(AuthHook hook) { auth_hook_ = std::move(hook); }
void SocketServer::set_event_guard(EventGuard guard) { event_guard_ = std::move(guard); }

void SocketServer::set_connect_hook(ConnectHook hook) { connect_hook_ = std::move(hook); }

size_t SocketServer::session_count() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace mystocks::realtime
