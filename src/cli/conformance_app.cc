#include "cli/conformance_app.h"

#include <iostream>

#include <boost/json/object.hpp>
#include <spdlog/spdlog.h>

#include "api/system_routes.h"
#include "cli/version.h"
#include "core/clock.h"
#include "core/logging.h"
#include "core/metrics.h"
#include "gateway/router.h"
#include "realtime/socket_server.h"
#include "server/engineio_transport.h"
#include "server/http_server.h"

namespace mystocks::cli {
namespace {

namespace json = boost::json;

realtime::RealtimeOptions reference_options() {
  realtime::RealtimeOptions options;
  options.engine.ping_interval_ms = 300;
  options.engine.ping_timeout_ms = 200;
  options.engine.max_payload_bytes = 1000000;
  options.recovery = false;              // the reference servers do not enable it
  options.events_per_second = 1000000;   // no rate limit in the reference servers
  options.event_burst = 1000000;
  return options;
}

}  // namespace

int run_socketio_conformance(const std::string& listen) {
  LoggingConfig logging_config;
  logging_config.format = "text";
  logging_config.level = "warn";
  if (Status status = logging::init(logging_config); !status.is_ok()) {
    std::cerr << "mystocks: " << status.message() << "\n";
    return 1;
  }
  const Clock& clock = SystemClock::instance();
  MetricsRegistry& metrics = MetricsRegistry::global();

  realtime::RealtimeOptions echo_options = reference_options();
  echo_options.engine_echo = true;
  realtime::SocketServer engine_echo(echo_options, clock, metrics);

  realtime::SocketServer sockets(reference_options(), clock, metrics);
  sockets.add_namespace("/custom");
  sockets.set_connect_hook([&sockets](const std::shared_ptr<realtime::Socket>& socket, const json::value& auth) {
    sockets.emit(socket, "auth", json::array{auth.is_object() ? auth : json::value(json::object{})});
  });
  for (const std::string nsp : {"/", "/custom"}) {
    sockets.on(nsp, "message", [&sockets](const auto& socket, realtime::Event& event, const realtime::Ack&) {
      sockets.emit(socket, "message-back", std::move(event.args), std::move(event.attachments));
    });
    sockets.on(nsp, "message-with-ack", [](const auto&, realtime::Event& event, const realtime::Ack& ack) {
      ack(std::move(event.args), std::move(event.attachments));
    });
  }

  HealthChecks health;
  gateway::RouteRegistry registry;
  if (Status status = api::register_system_routes(
          registry, {.metrics = &metrics, .health = &health, .registry = &registry,
                     .version = std::string(kVersion), .started_at_ms = clock.now_ms()});
      !status.is_ok()) {
    std::cerr << "mystocks: " << status.message() << "\n";
    return 1;
  }
  gateway::Router router(registry, metrics, clock);
  server::EngineIoTransport engine_transport(engine_echo, "/engine.io/");
  server::EngineIoTransport socket_transport(sockets, "/socket.io/");
  ServerConfig server_config;
  server_config.listen = listen;
  server_config.shutdown_grace_ms = 2000;
  server::HttpServer http(server_config, router, metrics,
                          {.transports = {&engine_transport, &socket_transport},
                           .tick = [&] { engine_echo.tick(); sockets.tick(); },
                           .on_drain = [&] {
                             engine_echo.close_all("server shutting down");
                             sockets.close_all("server shutting down");
                           }});
  if (Status status = http.start(); !status.is_ok()) {
    std::cerr << "mystocks: " << status.message() << "\n";
    return 1;
  }
  std::cout << "MYSTOCKS_LISTENING http://" << listen.substr(0, listen.rfind(':')) << ":" << http.port()
            << "\nSocket.IO protocol conformance server: Engine.IO echo at /engine.io/, "
               "Socket.IO at /socket.io/ (namespaces / and /custom)"
            << std::endl;
  return http.run(/*handle_signals=*/true).is_ok() ? 0 : 1;
}

}  // namespace mystocks::cli
