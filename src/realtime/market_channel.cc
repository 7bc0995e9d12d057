#include "realtime/market_channel.h"

#include <algorithm>

#include <boost/json/array.hpp>

#include "core/symbol.h"

namespace mystocks::realtime {
namespace {

namespace json = boost::json;

constexpr std::pair<std::string_view, RoomKind> kKinds[] = {{"tick", RoomKind::kTick},
                                                           {"quote", RoomKind::kQuote},
                                                           {"kline_1m", RoomKind::kKline1m},
                                                           {"depth", RoomKind::kDepth},
                                                           {"index", RoomKind::kIndex}};

const json::object* first_object(const json::array& args) {
  return !args.empty() && args[0].is_object() ? &args[0].as_object() : nullptr;
}

std::string string_field(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->as_string()) : std::string();
}

// "stream:600519.SH|*" or "stream:600519.SH|last,volume" (fields sorted): subscribers with the
// same field set share one room, so each stream update is serialised once per field set.
Result<std::string> stream_room(const std::string& symbol, const json::value* fields) {
  std::vector<std::string> names;
  if (fields != nullptr && !fields->is_null()) {
    if (!fields->is_array()) {
      return field_error(ErrorCode::kInvalidArgument, "INVALID_PARAMETERS",
                         "fields must be an array of column names");
    }
    for (const json::value& field : fields->as_array()) {
      if (!field.is_string() || field.as_string().empty() || field.as_string().size() > 64) {
        return field_error(ErrorCode::kInvalidArgument, "INVALID_PARAMETERS",
                           "fields must be non-empty strings of at most 64 characters");
      }
      names.emplace_back(field.as_string());
    }
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::string room = "stream:" + symbol + "|";
  if (names.empty()) return room + "*";
  for (size_t index = 0; index < names.size(); ++index) room += (index ? "," : "") + names[index];
  return room;
}

// The normalised {room} argument of `event`; errors carry the protocol code in field().
Result<std::string> room_argument(const json::array& args, std::string_view event) {
  const json::object* body = first_object(args);
  const std::string raw = body ? string_field(*body, "room") : std::string();
  if (raw.empty()) {
    return field_error(ErrorCode::kInvalidArgument, "INVALID_PARAMETERS", "{} needs {{room: 'kind:symbol'}}", event);
  }
  return normalize_room(raw);
}

}  // namespace

std::string_view room_kind_name(RoomKind kind) {
  for (const auto& [name, value] : kKinds) {
    if (value == kind) return name;
  }
  return "quote";
}

Result<std::string> normalize_room(std::string_view room) {
  const size_t colon = room.find(':');
  if (colon == std::string_view::npos) {
    return field_error(ErrorCode::kNotFound, "ROOM_NOT_FOUND",
                       "room '{}' is not of the form kind:symbol (kinds: tick, quote, kline_1m, "
                       "depth, index)", room);
  }
  const std::string_view kind = room.substr(0, colon);
  if (std::none_of(std::begin(kKinds), std::end(kKinds), [&](const auto& entry) { return entry.first == kind; })) {
    return field_error(ErrorCode::kNotFound, "ROOM_NOT_FOUND",
                       "room kind '{}' is unknown: expected tick, quote, kline_1m, depth or index", kind);
  }
  Result<Symbol> symbol = Symbol::parse(room.substr(colon + 1), "room symbol");
  if (!symbol.is_ok()) return field_error(ErrorCode::kInvalidSymbol, "INVALID_SYMBOL", "{}", symbol.status().message());
  return std::string(kind) + ":" + symbol->to_string();
}

MarketChannel::MarketChannel(SocketServer& server, const Clock& clock, MetricsRegistry& metrics,
                             MarketChannelOptions options)
    : server_(server),
      clock_(clock),
      options_(options),
      published_(metrics.counter("mystocks_realtime_published_total",
                                 "Market updates published for fan-out.").get()),
      batch_size_(metrics.histogram("mystocks_realtime_batch_size", "Updates per fan-out batch.", {},
                                    {1, 5, 10, 25, 50, 100, 250, 1000}).get()) {}

void MarketChannel::send_error(const std::shared_ptr<Socket>& socket, const Ack& ack,
                               std::string_view code, std::string message) {
  json::object payload{{"error_code", code}, {"message", std::move(message)}};
  ack(json::array{payload});
  server_.emit(socket, "error", json::array{std::move(payload)});
}

void MarketChannel::reply(const std::shared_ptr<Socket>& socket, const Ack& ack,
                          const std::string& event, json::object payload) {
  ack(json::array{payload});
  server_.emit(socket, event, json::array{std::move(payload)});
}

void MarketChannel::install() {
  server_.add_namespace("/market");
  for (const std::string nsp : {"/", "/market"}) {
    server_.on(nsp, "subscribe", [this](const auto& socket, Event& event, const Ack& ack) { on_subscribe(socket, event.args, ack); });
    server_.on(nsp, "unsubscribe", [this](const auto& socket, Event& event, const Ack& ack) { on_unsubscribe(socket, event.args, ack); });
    server_.on(nsp, "subscribe_market_stream", [this](const auto& socket, Event& event, const Ack& ack) { on_stream(socket, event.args, ack, false); });
    server_.on(nsp, "stream_filter_update", [this](const auto& socket, Event& event, const Ack& ack) { on_stream(socket, event.args, ack, true); });
    server_.on(nsp, "unsubscribe_market_stream", [this](const auto& socket, Event& event, const Ack& ack) { on_unstream(socket, event.args, ack); });
    server_.on(nsp, "request", [this](const auto& socket, Event& event, const Ack& ack) { on_request(socket, event.args, ack); });
    server_.on(nsp, "snapshot", [this](const auto& socket, Event& event, const Ack& ack) { on_snapshot(socket, event.args, ack); });
    server_.on(nsp, "ping", [this](const auto& socket, Event&, const Ack& ack) {
      reply(socket, ack, "pong", json::object{{"timestamp", clock_.now_ms()}});
    });
    // Echoes its arguments, binary attachments included: a round-trip check for clients.
    server_.on(nsp, "echo", [this](const auto& socket, Event& event, const Ack& ack) {
      ack(event.args, event.attachments);
      server_.emit(socket, "echo", std::move(event.args), std::move(event.attachments));
    });
  }
}

void MarketChannel::on_subscribe(const std::shared_ptr<Socket>& socket, json::array& args, const Ack& ack) {
  Result<std::string> room = room_argument(args, "subscribe");
  if (!room.is_ok()) return send_error(socket, ack, room.status().field(), room.status().message());
  bool at_limit = false;
  {
    std::lock_guard lock(socket->mutex);
    at_limit =
        socket->rooms.size() >= options_.max_rooms_per_socket && !socket->rooms.contains(*room);
  }
  if (at_limit) {
    return send_error(
        socket, ack, "SUBSCRIPTION_LIMIT",
        fmt::format("at most {} rooms per connection", options_.max_rooms_per_socket));
  }
  if (Status joined = server_.join(socket, *room); !joined.is_ok()) {
    return send_error(socket, ack, std::string(error_name(joined.code())), joined.message());
  }
  // Read after joining: every push from here on has a bigger number than the snapshot's, so a
  // client applying the snapshot and then pushes with larger numbers misses nothing.
  const std::string symbol = room->substr(room->find(':') + 1);
  reply(socket, ack, "subscribed", json::object{{"room", *room}, {"snapshot", snapshots_.snapshot(*room, symbol)}});
}

void MarketChannel::on_snapshot(const std::shared_ptr<Socket>& socket, json::array& args, const Ack& ack) {
  Result<std::string> room = room_argument(args, "snapshot");
  if (!room.is_ok()) return send_error(socket, ack, room.status().field(), room.status().message());
  reply(socket, ack, "snapshot", snapshots_.snapshot(*room, room->substr(room->find(':') + 1)));
}

void MarketChannel::on_unsubscribe(const std::shared_ptr<Socket>& socket, json::array& args, const Ack& ack) {
  Result<std::string> room = room_argument(args, "unsubscribe");
  if (!room.is_ok()) return send_error(socket, ack, room.status().field(), room.status().message());
  if (!server_.leave(socket, *room)) {
    return send_error(socket, ack, "ROOM_NOT_FOUND", fmt::format("not subscribed to '{}'", *room));
  }
  reply(socket, ack, "unsubscribed", json::object{{"room", *room}});
}

void MarketChannel::on_stream(const std::shared_ptr<Socket>& socket, json::array& args, const Ack& ack,
                              bool update_only) {
  const json::object* body = first_object(args);
  if (body == nullptr) return send_error(socket, ack, "INVALID_PARAMETERS", "expected {symbol, fields?}");
  Result<Symbol> symbol = Symbol::parse(string_field(*body, "symbol"));
  if (!symbol.is_ok()) return send_error(socket, ack, "INVALID_SYMBOL", symbol.status().message());
  const std::string canonical = symbol->to_string();
  Result<std::string> room = stream_room(canonical, body->if_contains("fields"));
  if (!room.is_ok()) return send_error(socket, ack, room.status().field(), room.status().message());
  std::string previous;
  {
    std::lock_guard lock(socket->mutex);
    if (const json::value* streams = socket->data.if_contains("streams"); streams && streams->is_object()) {
      if (const json::value* old = streams->as_object().if_contains(canonical)) previous = std::string(old->as_string());
    }
  }
  if (update_only && previous.empty()) {
    return send_error(socket, ack, "ROOM_NOT_FOUND", fmt::format("no market stream for {} to update", canonical));
  }
  if (!previous.empty() && previous != *room) server_.leave(socket, previous);
  if (Status joined = server_.join(socket, *room); !joined.is_ok()) {
    return send_error(socket, ack, std::string(error_name(joined.code())), joined.message());
  }
  {
    std::lock_guard lock(socket->mutex);
    json::value& streams = socket->data["streams"];
    if (!streams.is_object()) streams = json::object{};
    streams.as_object()[canonical] = *room;
  }
  {
    std::lock_guard lock(mutex_);
    stream_rooms_[canonical].insert(*room);
  }
  const json::value* fields = body->if_contains("fields");
  reply(socket, ack, "stream_subscribed",
        json::object{{"symbol", canonical}, {"fields", fields ? *fields : json::value(nullptr)}});
}

void MarketChannel::on_unstream(const std::shared_ptr<Socket>& socket, json::array& args, const Ack& ack) {
  const json::object* body = first_object(args);
  Result<Symbol> symbol = Symbol::parse(body ? string_field(*body, "symbol") : std::string());
  if (!symbol.is_ok()) return send_error(socket, ack, "INVALID_SYMBOL", symbol.status().message());
  const std::string canonical = symbol->to_string();
  std::string room;
  {
    std::lock_guard lock(socket->mutex);
    if (json::value* streams = socket->data.if_contains("streams"); streams && streams->is_object()) {
      if (json::value* old = streams->as_object().if_contains(canonical)) {
        room = std::string(old->as_string());
        streams->as_object().erase(canonical);
      }
    }
  }
  if (room.empty()) return send_error(socket, ack, "ROOM_NOT_FOUND", fmt::format("no market stream for {}", canonical));
  server_.leave(socket, room);
  reply(socket, ack, "stream_unsubscribed", json::object{{"symbol", canonical}});
}

void MarketChannel::on_request(const std::shared_ptr<Socket>& socket, json::array& args, const Ack& ack) {
  const json::object* body = first_object(args);
  const std::string request_id = body ? string_field(*body, "request_id") : std::string();
  const std::string action = body ? string_field(*body, "action") : std::string();
  auto respond = [&](bool success, json::value data) {
    json::object payload{{"request_id", request_id}, {"action", action}, {"success", success}};
    payload[success ? "data" : "error"] = std::move(data);
    reply(socket, ack, "response", std::move(payload));
  };
  if (request_id.empty() || action.empty()) {
    return send_error(socket, ack, "INVALID_PARAMETERS", "request needs {request_id, action, payload?}");
  }
  if (action == "server_time") return respond(true, json::object{{"timestamp", clock_.now_ms()}});
  if (action == "list_rooms") {
    json::array rooms;
    {
      std::lock_guard lock(socket->mutex);
      for (const std::string& room : socket->rooms) rooms.push_back(json::value(room));
    }
    return respond(true, json::object{{"rooms", std::move(rooms)}});
  }
  if (action == "probe") {
    // Asks the client to acknowledge a probe; answers with the outcome (server-side ack timeout).
    const int64_t sent = clock_.now_ms();
    int64_t timeout_ms = 0;
    if (const json::value* payload = body->if_contains("payload"); payload && payload->is_object()) {
      if (const json::value* timeout = payload->as_object().if_contains("timeout_ms"); timeout && timeout->is_int64()) {
        timeout_ms = std::clamp<int64_t>(timeout->as_int64(), 1, 60000);
      }
    }
    server_.emit_with_ack(
        socket, "probe", json::array{json::object{{"sent_at", sent}}},
        [this, socket, request_id, action, sent](Result<json::array> answer) {
          json::object payload{{"request_id", request_id}, {"action", action}, {"success", true}};
          payload["data"] = json::object{{"acked", answer.is_ok()},
                                         {"latency_ms", clock_.now_ms() - sent},
                                         {"reply", answer.is_ok() ? json::value(*answer) : json::value(nullptr)}};
          server_.emit(socket, "response", json::array{std::move(payload)});
        },
        timeout_ms);
    return;
  }
  send_error(socket, ack, "INVALID_PARAMETERS",
             fmt::format("unknown request action '{}': expected server_time, list_rooms or probe", action));
}

void MarketChannel::publish(RoomKind kind, const std::string& symbol, json::object data,
                            TimestampMs timestamp) {
  published_.inc();
  std::vector<Update> ready;
  {
    std::lock_guard lock(mutex_);
    if (kind == RoomKind::kKline1m) {
      // The final bar supersedes a forming one still waiting for its turn.
      if (auto it = forming_.find(symbol); it != forming_.end() && it->second.waiting &&
                                           it->second.waiting->timestamp <= timestamp) {
        it->second.waiting.reset();
      }
    }
    queue_locked({kind, symbol, std::move(data), timestamp}, ready);
  }
  if (!ready.empty()) drain(std::move(ready));
}

void MarketChannel::publish_forming_bar(const std::string& symbol, json::object data,
                                        TimestampMs bar_start) {
  data["final"] = false;
  std::vector<Update> ready;
  {
    std::lock_guard lock(mutex_);
    FormingBar& forming = forming_[symbol];
    Update update{RoomKind::kKline1m, symbol, std::move(data), bar_start};
    const int64_t now = clock_.now_ms();
    if (forming.pushed_at_ms && now - *forming.pushed_at_ms < options_.bar_update_ms) {
      if (!forming.waiting) forming_due_.emplace(*forming.pushed_at_ms + options_.bar_update_ms, symbol);
      forming.waiting = std::move(update);  // newest wins; tick() queues it when due
      return;
    }
    forming.pushed_at_ms = now;
    forming.waiting.reset();
    published_.inc();
    queue_locked(std::move(update), ready);
  }
  if (!ready.empty()) drain(std::move(ready));
}

void MarketChannel::queue_locked(Update update, std::vector<Update>& ready) {
  if (pending_.empty()) oldest_pending_ms_ = clock_.now_ms();
  pending_.push_back(std::move(update));
  if (pending_.size() >= options_.batch_max_messages && !fanning_out_) {
    fanning_out_ = true;
    ready.swap(pending_);
  }
}

void MarketChannel::tick() {
  {
    std::lock_guard lock(mutex_);
    const int64_t now = clock_.now_ms();
    while (!forming_due_.empty() && forming_due_.top().first <= now) {
      FormingBar& forming = forming_[forming_due_.top().second];
      forming_due_.pop();
      // Stale entries: the final bar went out first, or a later push re-armed the wait.
      if (!forming.waiting || now - *forming.pushed_at_ms < options_.bar_update_ms) continue;
      if (pending_.empty()) oldest_pending_ms_ = now;
      pending_.push_back(std::move(*forming.waiting));
      forming.waiting.reset();
      forming.pushed_at_ms = now;
      published_.inc();
    }
    if (pending_.empty() || now - oldest_pending_ms_ < options_.batch_window_ms) return;
  }
  flush();
}

void MarketChannel::flush() {
  std::vector<Update> ready;
  {
    std::lock_guard lock(mutex_);
    if (fanning_out_) return;  // the thread fanning out drains what is pending
    fanning_out_ = true;
    ready.swap(pending_);
  }
  drain(std::move(ready));
}

void MarketChannel::drain(std::vector<Update> ready) {
  while (true) {
    if (!ready.empty()) {
      batch_size_.observe(static_cast<double>(ready.size()));
      for (const Update& update : ready) fan_out(update);
    }
    ready.clear();
    std::lock_guard lock(mutex_);
    if (pending_.size() < options_.batch_max_messages) {
      fanning_out_ = false;  // a partial batch waits for its window (tick)
      return;
    }
    ready.swap(pending_);
  }
}

void MarketChannel::fan_out(const Update& update) {
  const std::string kind(room_kind_name(update.kind));
  const std::string room = kind + ":" + update.symbol;
  // Quotes replace older unsent quotes; a forming bar replaces an unsent update of the same bar
  // only (never one of another minute, which would reorder it around that minute's final bar).
  std::string conflation;
  if (update.kind == RoomKind::kQuote) conflation = room;
  if (const json::value* final = update.data.if_contains("final");
      update.kind == RoomKind::kKline1m && final && final->is_bool() && !final->as_bool()) {
    conflation = room + "|" + std::to_string(update.timestamp);
  }
  json::object message{{"symbol", update.symbol}, {"data", update.data}, {"timestamp", update.timestamp}};
  snapshots_.advance(room, message);
  for (const std::string nsp : {"/", "/market"}) {
    server_.broadcast(nsp, room, kind, json::array{message}, conflation);
  }
  if (update.kind != RoomKind::kQuote) return;
  std::set<std::string> rooms;
  {
    std::lock_guard lock(mutex_);
    if (auto it = stream_rooms_.find(update.symbol); it != stream_rooms_.end()) rooms = it->second;
  }
  for (const std::string& stream : rooms) {
    json::object data;
    const std::string fields = stream.substr(stream.find('|') + 1);
    if (fields == "*") {
      data = update.data;
    } else {
      size_t start = 0;
      while (start <= fields.size()) {
        size_t end = fields.find(',', start);
        if (end == std::string::npos) end = fields.size();
        const std::string name = fields.substr(start, end - start);
        if (const json::value* value = update.data.if_contains(name)) data[name] = *value;
        start = end + 1;
      }
    }
    const json::object payload{{"symbol", update.symbol}, {"data", std::move(data)}, {"timestamp", update.timestamp}};
    for (const std::string nsp : {"/", "/market"}) {
      server_.broadcast(nsp, stream, "stream_data", json::array{payload}, stream);
    }
  }
}

}  // namespace mystocks::realtime
