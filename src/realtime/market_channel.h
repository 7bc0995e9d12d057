// MarketChannel: the market-data event protocol on top of SocketServer, compatible with the
// original MyStocks clients. Client events: subscribe/unsubscribe {room},
// subscribe_market_stream {symbol, fields?}, unsubscribe_market_stream {symbol},
// stream_filter_update {symbol, fields}, snapshot {room}, ping, request {request_id, action,
// payload}, echo (any arguments, binary included, sent back).
// Replies: subscribed {room, snapshot}, unsubscribed, snapshot, stream_subscribed,
// stream_unsubscribed, stream_data, pong, response, error {error_code, message}. Rooms are
// "{kind}:{symbol}" with kind tick, quote, kline_1m, depth or index; every room message carries
// the room's next sequence number "seq" (room_snapshots.h). Published market data is buffered and
// fanned out in batches (every batch_window_ms or batch_max messages, whichever comes first) by
// one thread at a time, so sequence numbers reach clients in order; quotes and forming bars are
// conflated, and forming 1-minute bars (final: false) go out at most every bar_update_ms per
// symbol, never after their final bar.
// Thread-safety: publish(), publish_forming_bar() and tick() from any thread.
#pragma once

#include <map>
#include <optional>
#include <queue>
#include <unordered_map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "core/clock.h"
#include "core/metrics.h"
#include "core/timestamp.h"
#include "realtime/callout_mutex.h"
#include "realtime/room_snapshots.h"
#include "realtime/socket_server.h"

namespace mystocks::realtime {

enum class RoomKind : uint8_t { kTick, kQuote, kKline1m, kDepth, kIndex };

std::string_view room_kind_name(RoomKind kind);

// Validates and canonicalises "quote:600519" -> "quote:600519.SH". Errors carry the protocol
// code in field(): ROOM_NOT_FOUND or INVALID_SYMBOL.
Result<std::string> normalize_room(std::string_view room);

struct MarketChannelOptions {
  int64_t batch_window_ms = 50;
  size_t batch_max_messages = 100;
  size_t max_rooms_per_socket = 500;
  int64_t bar_update_ms = 1000;  // forming 1-minute bars: at most one push per symbol this often
};

class MarketChannel {
 public:
  MarketChannel(SocketServer& server, const Clock& clock, MetricsRegistry& metrics,
                MarketChannelOptions options = {});

  // Registers the event handlers on "/" and "/market".
  void install();

  // Queues one market update for fan-out; `data` is the row (price, volume, ...).
  void publish(RoomKind kind, const std::string& symbol, boost::json::object data,
               TimestampMs timestamp);
  // Queues the forming (not yet final) 1-minute bar of `symbol`, stamped with its start: pushed
  // at once if the symbol's previous forming push is bar_update_ms old, else kept (newest wins)
  // until then, and dropped when the bar's final version is published first.
  void publish_forming_bar(const std::string& symbol, boost::json::object data, TimestampMs bar_start);
  // Flushes the batch when its window has elapsed, and forming bars whose wait is over.
  void tick();
  void flush();
  // Where subscribe snapshots come from before a room's first push (the stores, wired by cli).
  void set_snapshot_source(RoomSnapshots::Source source) { snapshots_.set_source(std::move(source)); }

 private:
  struct Update {
    RoomKind kind;
    std::string symbol;
    boost::json::object data;
    TimestampMs timestamp;
  };
  struct FormingBar {
    std::optional<int64_t> pushed_at_ms;  // when this symbol's last forming bar was queued
    std::optional<Update> waiting;     // the newest one not queued yet
  };
  // Fans out `ready` and then whatever filled up meanwhile; the caller holds the fan-out turn.
  void drain(std::vector<Update> ready);
  void fan_out(const Update& update);
  void queue_locked(Update update, std::vector<Update>& ready);  // REQUIRES(mutex_)
  void send_error(const std::shared_ptr<Socket>& socket, const Ack& ack, std::string_view code,
                  std::string message);
  void reply(const std::shared_ptr<Socket>& socket, const Ack& ack, const std::string& event,
             boost::json::object payload);
  void on_subscribe(const std::shared_ptr<Socket>& socket, boost::json::array& args, const Ack& ack);
  void on_unsubscribe(const std::shared_ptr<Socket>& socket, boost::json::array& args, const Ack& ack);
  void on_stream(const std::shared_ptr<Socket>& socket, boost::json::array& args, const Ack& ack,
                 bool update_only);
  void on_unstream(const std::shared_ptr<Socket>& socket, boost::json::array& args, const Ack& ack);
  void on_request(const std::shared_ptr<Socket>& socket, boost::json::array& args, const Ack& ack);
  void on_snapshot(const std::shared_ptr<Socket>& socket, boost::json::array& args, const Ack& ack);

  SocketServer& server_;
  const Clock& clock_;
  MarketChannelOptions options_;
  CalloutMutex mutex_;
  std::vector<Update> pending_;                               // GUARDED_BY(mutex_)
  int64_t oldest_pending_ms_ = 0;                             // GUARDED_BY(mutex_)
  std::map<std::string, std::set<std::string>> stream_rooms_;  // symbol -> rooms; GUARDED_BY(mutex_)
  bool fanning_out_ = false;  // one thread fans out at a time; GUARDED_BY(mutex_)
  std::unordered_map<std::string, FormingBar> forming_;  // symbol -> ...; GUARDED_BY(mutex_)
  // Symbols with a waiting forming bar, soonest due first (due = last push + bar_update_ms), so
  // tick() looks only at what is due instead of every symbol. GUARDED_BY(mutex_)
  std::priority_queue<std::pair<int64_t, std::string>, std::vector<std::pair<int64_t, std::string>>,
                      std::greater<>>
      forming_due_;
  RoomSnapshots snapshots_;
  Counter& published_;
  Histogram& batch_size_;
};

}  // namespace mystocks::realtime
