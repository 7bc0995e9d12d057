#include "realtime/socket_server.h"

#include <charconv>
#include <random>

#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

namespace mystocks::realtime {
namespace {

namespace json = boost::json;

// Random ids in the alphabet socket.io uses (base64url), 20 characters.
std::string random_id() {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  thread_local std::mt19937_64 generator{std::random_device{}()};
  std::string id(20, ' ');
  uint64_t bits = generator();
  for (size_t index = 0; index < id.size(); ++index) {
    if (index % 10 == 0) bits = generator();
    id[index] = kAlphabet[bits & 63];
    bits >>= 6;
  }
  return id;
}

std::optional<uint64_t> parse_offset(const json::value& value) {
  if (!value.is_string()) return std::nullopt;
  const json::string& text = value.as_string();
  uint64_t offset = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), offset);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return offset;
}

}  // namespace

// Per-session Socket.IO state: connected namespaces and a binary packet awaiting attachments.
struct SocketServer::SessionState {
  std::shared_ptr<EngineSession> session;
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<Socket>> sockets;  // GUARDED_BY(mutex): nsp -> socket
  std::optional<SocketPacket> partial_binary;              // GUARDED_BY(mutex)
};

SocketServer::SocketServer(RealtimeOptions options, const Clock& clock, MetricsRegistry& metrics)
    : options_(std::move(options)),
      clock_(clock),
      recovery_(options_.recovery_window_ms, options_.recovery_max_packets),
      sessions_gauge_(metrics.gauge("mystocks_realtime_connections", "Open Engine.IO sessions.").get()),
      rooms_gauge_(metrics.gauge("mystocks_realtime_rooms", "Rooms with at least one member.").get()),
      memberships_gauge_(metrics.gauge("mystocks_realtime_room_members", "Room memberships.").get()),
      messages_in_(metrics.counter("mystocks_realtime_messages_in_total", "Socket.IO packets received.").get()),
      messages_out_(metrics.counter("mystocks_realtime_messages_out_total", "Packets queued to clients.").get()),
      dropped_(metrics.counter("mystocks_realtime_dropped_total",
                               "Packets not delivered because the client was too slow or gone.").get()),
      conflated_(metrics.counter("mystocks_realtime_conflated_total",
                                 "Queued packets replaced by a newer one for the same key.").get()),
      disconnects_(metrics.counter("mystocks_realtime_disconnects_total",
                                   "Sessions closed, by reason.", {"reason"})),
      recovered_(metrics.counter("mystocks_realtime_recovered_total",
                                 "Sockets whose state was recovered after a reconnect.").get()),
      queued_total_(metrics.gauge("mystocks_realtime_queued_packets",
                                  "Packets waiting in client queues (sampled by the heartbeat scan).").get()),
      queued_max_(metrics.gauge("mystocks_realtime_queue_depth_max",
                                "Deepest single client queue (sampled by the heartbeat scan).").get()) {
  add_namespace("/");
}

SocketServer::~SocketServer() = default;

std::shared_ptr<EngineSession> SocketServer::open_session(TransportKind transport) {
  auto state = std::make_shared<SessionState>();
  state->session = std::make_shared<EngineSession>(random_id(), transport, options_.engine,
                                                   clock_.now_ms());
  std::lock_guard lock(mutex_);
  sessions_.emplace(state->session->sid(), state);
  sessions_gauge_.set(static_cast<double>(sessions_.size()));
  return state->session;
}

std::string SocketServer::handshake_json(const EngineSession& session, bool allow_upgrade) const {
  json::object open{{"sid", session.sid()},
                    {"upgrades", allow_upgrade ? json::array{"websocket"} : json::array{}},
                    {"pingInterval", options_.engine.ping_interval_ms},
                    {"pingTimeout", options_.engine.ping_timeout_ms},
                    {"maxPayload", options_.engine.max_payload_bytes}};
  return json::serialize(open);
}

std::shared_ptr<SocketServer::SessionState> SocketServer::state_of(const std::string& sid) const {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(sid);
  return it == sessions_.end() ? nullptr : it->second;
}

std::shared_ptr<EngineSession> SocketServer::find_session(const std::string& sid) {
  auto state = state_of(sid);
  if (!state) return nullptr;
  bool timed_out = false;
  if (state->session->heartbeat_due(clock_.now_ms(), timed_out)) {
    deliver(state->session, encode_packet(EnginePacketType::kPing));
  } else if (timed_out) {
    close_session(state->session, "ping timeout");
    return nullptr;
  }
  return state->session;
}

Status SocketServer::on_packet(const std::shared_ptr<EngineSession>& session, EnginePacket packet) {
  auto fail = [&](Status status) {
    spdlog::warn("realtime session {}: {}; closing it", session->sid(), status.message());
    close_session(session, "parse error");
    return status;
  };
  switch (packet.type) {
    case EnginePacketType::kPong: session->on_pong(clock_.now_ms()); return Status::ok();
    case EnginePacketType::kPing:
      deliver(session, encode_packet(EnginePacketType::kPong, packet.data));
      return Status::ok();
    case EnginePacketType::kClose: close_session(session, "transport close"); return Status::ok();
    case EnginePacketType::kNoop:
    case EnginePacketType::kUpgrade: return Status::ok();  // upgrade is the transport's business
    case EnginePacketType::kOpen:
      return fail(error(ErrorCode::kMalformedRequest, "client sent an open packet"));
    case EnginePacketType::kMessage: break;
  }
  messages_in_.inc();
  if (options_.engine_echo) {  // conformance: every message goes straight back
    deliver(session, packet.binary ? encode_binary(std::move(packet.data))
                                   : encode_packet(EnginePacketType::kMessage, packet.data));
    return Status::ok();
  }
  auto state = state_of(session->sid());
  if (!state) return error(ErrorCode::kNotFound, "session {} is closed", session->sid());
  if (packet.binary) {
    std::optional<SocketPacket> complete;
    {
      std::lock_guard lock(state->mutex);
      if (!state->partial_binary) {
        return fail(error(ErrorCode::kMalformedRequest, "binary message without a binary packet header"));
      }
      state->partial_binary->attachments.push_back(std::move(packet.data));
      if (state->partial_binary->attachments.size() == state->partial_binary->expected_attachments) {
        complete = std::move(state->partial_binary);
        state->partial_binary.reset();
      }
    }
    if (complete) return handle_socket_packet(session, std::move(*complete));
    return Status::ok();
  }
  Result<SocketPacket> decoded = decode_socket_packet(packet.data);
  if (!decoded.is_ok()) return fail(decoded.status());
  if (decoded->expected_attachments > 0) {
    std::lock_guard lock(state->mutex);
    if (state->partial_binary) {
      return fail(error(ErrorCode::kMalformedRequest, "binary packet started before the previous one completed"));
    }
    state->partial_binary = std::move(*decoded);
    return Status::ok();
  }
  return handle_socket_packet(session, std::move(*decoded));
}

Status SocketServer::handle_socket_packet(const std::shared_ptr<EngineSession>& session,
                                          SocketPacket packet) {
  if (packet.type == SocketPacketType::kConnect) {
    handle_connect(session, packet);
    return Status::ok();
  }
  auto state = state_of(session->sid());
  if (!state) return Status::ok();
  std::shared_ptr<Socket> socket;
  bool last_socket_left = false;
  {
    std::lock_guard lock(state->mutex);
    auto it = state->sockets.find(packet.nsp);
    if (it != state->sockets.end()) socket = it->second;
    if (socket && packet.type == SocketPacketType::kDisconnect) {
      state->sockets.erase(it);
      last_socket_left = state->sockets.empty();
    }
  }
  if (!socket) return Status::ok();  // packets for a namespace the client never joined are dropped
  switch (packet.type) {
    case SocketPacketType::kDisconnect:
      disconnect_socket(socket, /*recoverable=*/false);
      // Like the reference server: a connection without namespaces has nothing left to carry.
      if (last_socket_left) close_session(session, "client close");
      break;
    case SocketPacketType::kEvent:
    case SocketPacketType::kBinaryEvent: handle_event(socket, std::move(packet)); break;
    case SocketPacketType::kAck:
    case SocketPacketType::kBinaryAck: handle_ack(socket, std::move(packet)); break;
    default:
      close_session(session, "parse error");
      return error(ErrorCode::kMalformedRequest, "clients may not send packet type {}",
                   static_cast<int>(packet.type));
  }
  return Status::ok();
}

void SocketServer::handle_connect(const std::shared_ptr<EngineSession>& session,
                                  const SocketPacket& packet) {
  auto reject = [&](std::string message) {
    SocketPacket error_packet{.type = SocketPacketType::kConnectError, .nsp = packet.nsp};
    error_packet.data = json::object{{"message", std::move(message)}};
    deliver(session, encode_packet(EnginePacketType::kMessage, encode_socket_packet(error_packet)));
  };
  if (!handlers_.contains(packet.nsp)) return reject("Invalid namespace");
  const json::object* auth = packet.data.is_object() ? &packet.data.as_object() : nullptr;
  if (!options_.auth_token.empty()) {
    const json::value* token = auth ? auth->if_contains("token") : nullptr;
    if (!token || !token->is_string() || token->as_string() != options_.auth_token) {
      return reject("unauthorized: auth.token is missing or wrong");
    }
  }
  auto state = state_of(session->sid());
  if (!state) return;
  // Connection state recovery: {pid, offset} from a client that dropped within the window.
  std::optional<RecoveryStore::Restored> restored;
  if (auth && options_.recovery) {
    if (const json::value* pid = auth->if_contains("pid"); pid && pid->is_string()) {
      const json::value* offset = auth->if_contains("offset");
      restored = recovery_.restore(std::string(pid->as_string()), packet.nsp,
                                   offset ? parse_offset(*offset) : std::nullopt, clock_.now_ms());
    }
  }
  const std::string id = restored ? restored->socket.socket_id : random_id();
  const std::string pid =
      restored ? std::string(auth->at("pid").as_string()) : random_id();
  auto socket = std::make_shared<Socket>(id, packet.nsp, pid, session);
  socket->tokens = options_.event_burst;
  socket->tokens_at_ms = clock_.now_ms();
  {
    std::lock_guard lock(state->mutex);
    if (state->sockets.contains(packet.nsp)) return;  // duplicate CONNECT: keep the first
    state->sockets[packet.nsp] = socket;
  }
  SocketPacket reply{.type = SocketPacketType::kConnect, .nsp = packet.nsp};
  reply.data = options_.recovery ? json::object{{"sid", id}, {"pid", pid}} : json::object{{"sid", id}};
  deliver(session, encode_packet(EnginePacketType::kMessage, encode_socket_packet(reply)));
  if (restored) {
    for (const std::string& room : restored->socket.rooms) {
      {
        std::lock_guard lock(socket->mutex);
        socket->rooms.insert(room);
      }
      rooms_.join(socket, room);
    }
    for (WirePacket& missed : restored->missed) deliver(session, std::move(missed));
    recovered_.inc();
  } else if (auth && options_.recovery && auth->contains("pid")) {
    // The client expected recovery but its state is gone: it must subscribe again.
    emit(socket, "resubscribe", json::array{json::object{
        {"reason", "the connection state could not be recovered (window expired or packets "
                   "evicted); subscribe to your rooms again"}}});
  }
  rooms_gauge_.set(static_cast<double>(rooms_.room_count()));
  memberships_gauge_.set(static_cast<double>(rooms_.membership_count()));
  if (connect_hook_) connect_hook_(socket, packet.data);
}

bool SocketServer::take_token(Socket& socket, int64_t now_ms) {
  std::lock_guard lock(socket.mutex);
  const double elapsed = static_cast<double>(now_ms - socket.tokens_at_ms) / 1000.0;
  socket.tokens = std::min(options_.event_burst, socket.tokens + elapsed * options_.events_per_second);
  socket.tokens_at_ms = now_ms;
  if (socket.tokens < 1) return false;
  socket.tokens -= 1;
  return true;
}

void SocketServer::handle_event(const std::shared_ptr<Socket>& socket, SocketPacket packet) {
  json::array& args = packet.data.as_array();
  Ack ack;
  if (packet.id) {
    const int64_t id = *packet.id;
    ack = Ack([this, socket, id](json::array reply, std::vector<std::string> attachments) {
      SocketPacket response{.type = attachments.empty() ? SocketPacketType::kAck
                                                        : SocketPacketType::kBinaryAck,
                            .nsp = socket->nsp,
                            .id = id};
      response.data = std::move(reply);
      response.attachments = std::move(attachments);
      send_packet(socket, response);
    });
  }
  if (!take_token(*socket, clock_.now_ms())) {
    emit(socket, "error", json::array{json::object{
        {"error_code", "RATE_LIMIT_EXCEEDED"},
        {"message", fmt::format("more than {} events per second", options_.events_per_second)}}});
    return;
  }
  if (!args[0].is_string()) return;
  Event event{std::string(args[0].as_string()), {}, std::move(packet.attachments)};
  args.erase(args.begin());
  event.args = std::move(args);
  const EventHandler* handler = nullptr;
  if (auto ns = handlers_.find(socket->nsp); ns != handlers_.end()) {
    if (auto it = ns->second.find(event.name); it != ns->second.end()) handler = &it->second;
  }
  if (handler == nullptr) {
    emit(socket, "error", json::array{json::object{
        {"error_code", "UNKNOWN_EVENT"},
        {"message", fmt::format("event '{}' is not handled on namespace '{}'", event.name, socket->nsp)}}});
    return;
  }
  try {
    (*handler)(socket, event, ack);
  } catch (const std::exception& e) {
    spdlog::error("realtime handler for '{}' threw: {}", event.name, e.what());
    emit(socket, "error", json::array{json::object{{"error_code", "INTERNAL_ERROR"},
                                                   {"message", "internal error"}}});
  }
}

void SocketServer::handle_ack(const std::shared_ptr<Socket>& socket, SocketPacket packet) {
  if (!packet.id) return;
  AckCallback callback;
  {
    std::lock_guard lock(socket->mutex);
    auto it = socket->pending_acks.find(*packet.id);
    if (it == socket->pending_acks.end()) return;  // late or unknown ack
    callback = std::move(it->second.callback);
    socket->pending_acks.erase(it);
  }
  callback(std::move(packet.data.as_array()));
}

void SocketServer::send_packet(const std::shared_ptr<Socket>& socket, const SocketPacket& packet) {
  deliver(socket->session, encode_packet(EnginePacketType::kMessage, encode_socket_packet(packet)));
  for (const std::string& attachment : packet.attachments) deliver(socket->session, encode_binary(attachment));
}

void SocketServer::deliver(const std::shared_ptr<EngineSession>& session, WirePacket packet,
                           const std::string& conflation_key) {
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
  const uint64_t offset = options_.recovery ? recovery_.next_offset() : 0;
  args.insert(args.begin(), json::value(event));
  if (options_.recovery) args.push_back(json::value(std::to_string(offset)));  // client tracks it
  SocketPacket packet{.type = SocketPacketType::kEvent, .nsp = nsp};
  packet.data = std::move(args);
  WirePacket wire = encode_packet(EnginePacketType::kMessage, encode_socket_packet(packet));
  if (options_.recovery) recovery_.record(offset, nsp, room, wire, clock_.now_ms());
  const RoomRegistry::Members members = rooms_.members(nsp, room);
  const EngineSession::ConflationKey key =
      conflation_key.empty() ? nullptr : std::make_shared<const std::string>(nsp + ' ' + conflation_key);
  // The shared packet goes to every member; counters are summed here and updated once.
  size_t queued = 0;
  size_t conflated = 0;
  for (const auto& member : *members) {
    switch (member->session->send(wire, key)) {
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
  if (recoverable) {
    recovery_.save(socket->pid, {.socket_id = socket->id, .nsp = socket->nsp, .rooms = rooms,
                                 .saved_at_ms = clock_.now_ms()});
  }
  for (auto& [id, ack] : acks) {
    ack.callback(error(ErrorCode::kCancelled, "socket disconnected before acknowledging"));
  }
  rooms_gauge_.set(static_cast<double>(rooms_.room_count()));
  memberships_gauge_.set(static_cast<double>(rooms_.membership_count()));
}

void SocketServer::close_session(const std::shared_ptr<EngineSession>& session,
                                 const std::string& reason) {
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
    {
      std::lock_guard lock(state->mutex);
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
    for (auto& [socket, callback] : expired) {
      callback(error(ErrorCode::kDeadlineExceeded, "client did not acknowledge within the timeout"));
    }
  }
  queued_total_.set(static_cast<double>(queued_total));
  queued_max_.set(static_cast<double>(queued_max));
  recovery_.expire(now);
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

void SocketServer::set_connect_hook(ConnectHook hook) { connect_hook_ = std::move(hook); }

size_t SocketServer::session_count() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace mystocks::realtime
