#include "realtime/socket_server.h"

#include <charconv>
#include <random>

#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include "realtime/socket_server_state.h"

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
      auth_expired_(metrics.counter("mystocks_realtime_auth_expired_total",
                                    "Sockets disconnected because their access token expired.").get()),
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
    case EnginePacketType::kPing:  // as Node's engine.io: v4 heartbeats go server -> client only
      return fail(
          error(ErrorCode::kMalformedRequest, "client sent a ping (invalid heartbeat direction)"));
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
  Result<std::optional<SocketPacket>> complete =
      packet.binary ? add_attachment(*state, std::move(packet.data))
                    : start_packet(*state, packet.data);
  if (!complete.is_ok()) return fail(complete.status());
  if (!complete->has_value()) return Status::ok();  // waiting for attachments
  Status handled = handle_socket_packet(session, std::move(**complete));
  return handled.is_ok() ? handled : fail(std::move(handled));
}

Result<std::optional<SocketPacket>> SocketServer::start_packet(SessionState& state,
                                                               std::string_view text) {
  Result<SocketPacket> decoded = decode_socket_packet(text);
  if (!decoded.is_ok()) return decoded.status();
  if (decoded->expected_attachments == 0) {
    MYSTOCKS_RETURN_IF_ERROR(check_placeholders(*decoded));
    return std::optional<SocketPacket>(std::move(*decoded));
  }
  std::lock_guard lock(state.mutex);
  if (state.partial_binary) {
    return error(ErrorCode::kMalformedRequest,
                 "binary packet started before the previous one received its attachments");
  }
  state.partial_binary = std::move(*decoded);
  return std::optional<SocketPacket>();
}

Result<std::optional<SocketPacket>> SocketServer::add_attachment(SessionState& state,
                                                                 std::string attachment) {
  std::optional<SocketPacket> complete;
  {
    std::lock_guard lock(state.mutex);
    if (!state.partial_binary) {
      return error(ErrorCode::kMalformedRequest, "binary message without a binary packet header");
    }
    state.partial_binary->attachments.push_back(std::move(attachment));
    if (state.partial_binary->attachments.size() < state.partial_binary->expected_attachments) {
      return complete;
    }
    complete.swap(state.partial_binary);
  }
  MYSTOCKS_RETURN_IF_ERROR(check_placeholders(*complete));
  return complete;
}

Status SocketServer::handle_socket_packet(const std::shared_ptr<EngineSession>& session,
                                          SocketPacket packet) {
  auto state = state_of(session->sid());
  if (!state) return Status::ok();
  std::shared_ptr<Socket> socket;
  {
    std::lock_guard lock(state->mutex);
    auto it = state->sockets.find(packet.nsp);
    if (it != state->sockets.end()) socket = it->second;
    if (socket && packet.type == SocketPacketType::kDisconnect) state->sockets.erase(it);
  }
  // As the reference server: CONNECT only to a namespace not joined yet, everything else only
  // to a joined one; any other packet means the client lost track of its state.
  if (packet.type == SocketPacketType::kConnect && !socket) {
    handle_connect(session, packet);
    return Status::ok();
  }
  if (!socket || packet.type == SocketPacketType::kConnect) {
    return error(ErrorCode::kMalformedRequest, "packet type {} for namespace '{}', which is {}",
                 static_cast<int>(packet.type), packet.nsp,
                 socket ? "already connected" : "not connected");
  }
  switch (packet.type) {
    case SocketPacketType::kDisconnect:
      // The Engine.IO connection stays open (heartbeats, other namespaces), as with Node.
      disconnect_socket(socket, /*recoverable=*/false);
      return Status::ok();
    case SocketPacketType::kEvent:
    case SocketPacketType::kBinaryEvent:
      handle_event(socket, std::move(packet));
      return Status::ok();
    case SocketPacketType::kAck:
    case SocketPacketType::kBinaryAck:
      handle_ack(socket, std::move(packet));
      return Status::ok();
    default:
      return error(ErrorCode::kMalformedRequest, "clients may not send packet type {}",
                   static_cast<int>(packet.type));
  }
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
  gateway::Principal principal = gateway::Principal::anonymous_caller();
  if (auth_hook_) {
    assert_no_lock_held();
    Result<gateway::Principal> who = auth_hook_(packet.data);
    if (!who.is_ok()) return reject("unauthorized: " + std::string(who.status().message()));
    principal = std::move(*who);
  }
  auto state = state_of(session->sid());
  if (!state) return;
  const bool offsets = recovery_on(packet.nsp, auth);
  // Connection state recovery: {pid, offset} from a client that dropped within the window.
  std::optional<RecoveryStore::Restored> restored;
  if (auth && offsets) {
    if (const json::value* pid = auth->if_contains("pid"); pid && pid->is_string()) {
      const json::value* offset = auth->if_contains("offset");
      restored = recovery_.restore(std::string(pid->as_string()), packet.nsp,
                                   offset ? parse_offset(*offset) : std::nullopt, clock_.now_ms());
    }
  }
  const std::string id = restored ? restored->socket.socket_id : random_id();
  const std::string pid =
      restored ? std::string(auth->at("pid").as_string()) : random_id();
  auto socket = std::make_shared<Socket>(id, packet.nsp, pid, session, offsets);
  socket->principal = std::move(principal);
  socket->tokens = options_.event_burst;
  socket->tokens_at_ms = clock_.now_ms();
  {
    std::lock_guard lock(state->mutex);
    // A concurrent CONNECT to the same namespace (two transports during an upgrade) keeps the
    // first.
    if (!state->sockets.emplace(packet.nsp, socket).second) return;
  }
  SocketPacket reply{.type = SocketPacketType::kConnect, .nsp = packet.nsp};
  reply.data = offsets ? json::object{{"sid", id}, {"pid", pid}} : json::object{{"sid", id}};
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
  } else if (auth && offsets && auth->contains("pid")) {
    // The client expected recovery but its state is gone: it must subscribe again.
    emit(socket, "resubscribe", json::array{json::object{
        {"reason", "the connection state could not be recovered (window expired or packets "
                   "evicted); subscribe to your rooms again"}}});
  }
  rooms_gauge_.set(static_cast<double>(rooms_.room_count()));
  memberships_gauge_.set(static_cast<double>(rooms_.membership_count()));
  assert_no_lock_held();
  if (connect_hook_) connect_hook_(socket, packet.data);
}

bool SocketServer::recovery_on(const std::string& nsp, const json::object* auth) const {
  if (!options_.recovery || !options_.recovery_namespaces.contains(nsp)) return false;
  const json::value* opt_out = auth ? auth->if_contains("offsets") : nullptr;
  return !(opt_out && opt_out->is_bool() && !opt_out->as_bool());
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
  // A refusal before any handler answers the ack too ({error}), so a client awaiting it never
  // hangs, and emits `error` for clients that sent no ack id.
  auto refuse = [&](json::object refusal) {
    if (ack.wanted()) ack(json::array{json::object{{"error", refusal}}});
    emit(socket, "error", json::array{std::move(refusal)});
  };
  if (!take_token(*socket, clock_.now_ms())) {
    return refuse(json::object{
        {"error_code", "RATE_LIMIT_EXCEEDED"},
        {"message", fmt::format("more than {} events per second", options_.events_per_second)}});
  }
  Event event{std::string(args[0].as_string()), {}, std::move(packet.attachments)};
  args.erase(args.begin());
  event.args = std::move(args);
  const EventHandler* handler = nullptr;
  if (auto ns = handlers_.find(socket->nsp); ns != handlers_.end()) {
    if (auto it = ns->second.find(event.name); it != ns->second.end()) handler = &it->second;
  }
  if (handler == nullptr) {
    return refuse(json::object{
        {"error_code", "UNKNOWN_EVENT"},
        {"message",
         fmt::format("event '{}' is not handled on namespace '{}'", event.name, socket->nsp)}});
  }
  if (event_guard_) {
    if (Status allowed = event_guard_(*socket, event.name); !allowed.is_ok()) {
      return refuse(json::object{{"error_code", std::string(error_info(allowed.code()).name)},
                                 {"message", std::string(allowed.message())}});
    }
  }
  assert_no_lock_held();
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
  assert_no_lock_held();
  callback(std::move(packet.data.as_array()));
}

}  // namespace mystocks::realtime
