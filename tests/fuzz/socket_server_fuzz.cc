// Stateful fuzz target: one Socket.IO session on a realtime::SocketServer driven by a random
// sequence of operations derived from the input — Engine.IO packets of every type, Socket.IO
// text packets (free-form, or well-formed ones with fuzzed fields: CONNECT to a namespace,
// events that join/leave rooms, emit with server acks, broadcast), binary attachments, client
// acks, clock advances with tick(), and queue drains. It checks the two failures unit tests
// rarely see: a deadlock (a watchdog thread aborts when one input runs longer than 1 s, with
// the stacks of all threads in the report) and a leak (after the session is closed the server
// must hold no session, room or membership).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include <boost/json/serialize.hpp>
#include <fuzzer/FuzzedDataProvider.h>
#include <spdlog/spdlog.h>

#include "core/clock.h"
#include "core/metrics.h"
#include "realtime/socket_server.h"

using namespace mystocks;
using namespace mystocks::realtime;
namespace json = boost::json;

namespace {

constexpr int64_t kWatchdogNs = 1'000'000'000;
std::atomic<int64_t> input_started_ns{0};  // 0: no input running

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Detached for the life of the process: it only reads one atomic.
void start_watchdog() {
  std::thread([] {
    while (true) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      const int64_t started = input_started_ns.load();
      if (started != 0 && now_ns() - started > kWatchdogNs) {
        std::fprintf(stderr, "socket_server_fuzz: one input ran for more than 1 s (deadlock?)\n");
        std::abort();
      }
    }
  }).detach();
}

void install_handlers(SocketServer& server) {
  server.add_namespace("/market");
  for (const std::string nsp : {"/", "/market"}) {
    server.on(nsp, "echo",
              [&server](const std::shared_ptr<Socket>& socket, Event& event, const Ack& ack) {
                ack(event.args, event.attachments);
                server.emit(socket, "echoed", json::array{json::value(event.name)});
              });
    server.on(nsp, "join",
              [&server](const std::shared_ptr<Socket>& socket, Event& event, const Ack& ack) {
                for (const json::value& room : event.args) {
                  if (room.is_string()) (void)server.join(socket, std::string(room.as_string()));
                }
                ack(json::array{true});
              });
    server.on(nsp, "leave",
              [&server](const std::shared_ptr<Socket>& socket, Event& event, const Ack&) {
                for (const json::value& room : event.args) {
                  if (room.is_string()) server.leave(socket, std::string(room.as_string()));
                }
              });
    server.on(nsp, "ask",
              [&server](const std::shared_ptr<Socket>& socket, Event& event, const Ack&) {
                server.emit_with_ack(
                    socket, "question", event.args, [](Result<json::array>) {}, 100);
              });
    server.on(nsp, "shout",
              [&server, nsp](const std::shared_ptr<Socket>&, Event& event, const Ack&) {
                server.broadcast(nsp, "lobby", "shouted", event.args, "shout");
              });
  }
}

// Well-formed Socket.IO packets with fuzzed parts: they reach the states random text rarely
// does (a connected socket in a room with a pending server ack).
std::string shaped_packet(FuzzedDataProvider& input) {
  static const char* const kNamespaces[] = {"", "/market,", "/nope,"};
  static const char* const kEvents[] = {"echo", "join", "leave", "ask", "shout", "connect", "x"};
  const std::string nsp = kNamespaces[input.ConsumeIntegralInRange<size_t>(0, 2)];
  const std::string event = kEvents[input.ConsumeIntegralInRange<size_t>(0, 6)];
  const std::string arg = json::serialize(json::value(input.ConsumeRandomLengthString(16)));
  const std::string ack_id =
      input.ConsumeBool() ? std::to_string(input.ConsumeIntegral<uint8_t>()) : "";
  switch (input.ConsumeIntegralInRange(0, 5)) {
    case 0:
      return "0" + nsp;
    case 1:
      return "0" + nsp + R"({"offsets":false})";
    case 2:
      return "2" + nsp + ack_id + "[\"" + event + "\"," + arg + "]";
    case 3:
      return "51-" + nsp + ack_id + "[\"" + event + "\",{\"_placeholder\":true,\"num\":0}]";
    case 4:
      return "3" + nsp + ack_id + "[" + arg + "]";
    default:
      return "1" + nsp;
  }
}

EnginePacket next_packet(FuzzedDataProvider& input) {
  switch (input.ConsumeIntegralInRange(0, 3)) {
    case 0:
      return {EnginePacketType::kMessage, shaped_packet(input), false};
    case 1:
      return {EnginePacketType::kMessage, input.ConsumeRandomLengthString(256), false};
    case 2:
      return {EnginePacketType::kMessage, input.ConsumeRandomLengthString(64), true};
    default: {
      const auto type = static_cast<EnginePacketType>('0' + input.ConsumeIntegralInRange(0, 6));
      return {type, input.ConsumeRandomLengthString(16), false};
    }
  }
}

void run(FuzzedDataProvider& input) {
  static MetricsRegistry metrics;
  ManualClock clock(1'000'000);
  RealtimeOptions options;
  options.engine.max_queue_packets = 64;  // small, so the slow-consumer path runs too
  options.ack_timeout_ms = 100;
  SocketServer server(options, clock, metrics);
  install_handlers(server);

  auto session = server.open_session(input.ConsumeBool() ? TransportKind::kWebSocket
                                                         : TransportKind::kPolling);
  for (int step = 0; step < 200 && input.remaining_bytes() > 0 && !session->closed(); ++step) {
    switch (input.ConsumeIntegralInRange(0, 9)) {
      case 0:
        clock.advance_ms(input.ConsumeIntegralInRange<int64_t>(0, 60'000));
        server.tick();
        break;
      case 1:
        session->take_all();
        break;
      case 2:
        server.broadcast(input.ConsumeBool() ? "/" : "/market", "lobby", "news",
                         json::array{input.ConsumeRandomLengthString(8)});
        break;
      default:
        (void)server.on_packet(session, next_packet(input));
        break;
    }
  }
  server.close_session(session, "transport close");
  clock.advance_ms(options.recovery_window_ms + 1);  // recovery state expires too
  server.tick();
  if (server.session_count() != 0 || server.room_count() != 0 || server.membership_count() != 0) {
    std::fprintf(stderr,
                 "socket_server_fuzz: leak after close: %zu sessions, %zu rooms, %zu memberships\n",
                 server.session_count(), server.room_count(), server.membership_count());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);  // closing a session logs a warning per bad packet
  start_watchdog();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider input(data, size);
  input_started_ns.store(now_ns());
  run(input);
  input_started_ns.store(0);
  return 0;
}
