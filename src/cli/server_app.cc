#include "cli/server_app.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <string_view>

#include <spdlog/spdlog.h>

#include "api/auth_routes.h"
#include "api/dashboard_routes.h"
#include "api/data_api.h"
#include "api/inventory_routes.h"
#include "api/job_routes.h"
#include "api/order_routes.h"
#include "api/portfolio_routes.h"
#include "api/realtime_routes.h"
#include "api/system_routes.h"
#include "cli/data_plane.h"
#include "cli/identity_setup.h"
#include "cli/version.h"
#include "core/clock.h"
#include "core/endpoint.h"
#include "core/health.h"
#include "core/key_value_list.h"
#include "core/logging.h"
#include "core/metrics.h"
#include "core/thread_guard.h"
#include "gateway/response_cache.h"
#include "gateway/route_registry.h"
#include "gateway/router.h"
#include "realtime/market_channel.h"
#include "realtime/market_feed.h"
#include "realtime/socket_server.h"
#include "server/engineio_transport.h"
#include "server/http_server.h"
#include "services/data_manager.h"
#include "services/market/market_query.h"
#include "sources/source_factory.h"

namespace mystocks::cli {
namespace {

// The embedded stores need a writable data directory; creating it at start-up turns a
// permissions problem into a clear start-up error instead of a failed write later.
Status prepare_data_dir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return field_error(ErrorCode::kInvalidConfig, "storage.data_dir",
                       "storage.data_dir '{}' cannot be created: {}", dir, ec.message());
  }
  return Status::ok();
}

Status data_dir_writable(const std::string& dir) {
  const std::string probe = dir + "/.ready-probe";
  {
    std::ofstream out(probe);
    if (!(out << "ok")) {
      return error(ErrorCode::kUnavailable, "data directory '{}' is not writable", dir);
    }
  }
  std::filesystem::remove(probe);
  return Status::ok();
}

// realtime.recovery_namespaces: "/,/market" -> {"/", "/market"}.
Result<std::set<std::string>> namespace_set(std::string_view text) {
  std::set<std::string> namespaces;
  for (std::string& name : sources::parse_name_list(text)) {
    if (name.front() != '/') {
      return field_error(ErrorCode::kInvalidConfig, "realtime.recovery_namespaces",
                         "realtime.recovery_namespaces: '{}' is not a namespace (expected names "
                         "starting with '/', comma-separated, e.g. \"/,/market\")",
                         name);
    }
    namespaces.insert(std::move(name));
  }
  return namespaces;
}

// A room's newest stored row ("quote:600519.SH" -> realtime_quote's latest row of 600519.SH), for
// subscribe snapshots before the room's first push. The stores keep the newest row per series in
// memory (tsdb's latest cache), so this costs no disk read on the I/O thread that calls it.
realtime::RoomSnapshots::Source stored_room_state(const services::MarketQuery& market) {
  // The tables that feed rooms, with their room kind, found once (the catalog is fixed).
  std::vector<std::pair<std::string_view, const storage::TableSchema*>> feeding;
  for (const storage::TableSchema& table : market.data().catalog().tables()) {
    if (auto kind = realtime::MarketFeed::room_kind_for(table))
      feeding.emplace_back(realtime::room_kind_name(*kind), &table);
  }
  return [&market, feeding](const std::string& room) -> std::optional<boost::json::object> {
    const size_t colon = room.find(':');
    const std::string_view kind = std::string_view(room).substr(0, colon);
    const std::string symbol = room.substr(colon + 1);
    for (const auto& [table_kind, schema] : feeding) {
      if (table_kind != kind) continue;
      const storage::TableSchema& table = *schema;
      Result<RecordBatch> rows = market.newest_rows(table.name, {symbol});
      if (!rows.is_ok()) continue;
      for (size_t row = 0; row < rows->num_rows(); ++row) {
        if (auto message = realtime::MarketFeed::row_message(table, *rows, row)) return message;
      }
    }
    return std::nullopt;
  };
}

// The URL to print: wildcard binds are reachable on loopback; IPv6 hosts need brackets.
std::string public_base_url(const std::string& listen, uint16_t port) {
  std::string host = parse_endpoint(listen)->host;
  if (host == "0.0.0.0" || host.empty()) host = "127.0.0.1";
  if (host == "::") host = "::1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(port);
}

// Plugs identity into the realtime server: CONNECT auth {token} is checked like a bearer token,
// and room joins and client events are checked against the RBAC policy (room:<room> join,
// event:<name> emit). Rooms are "kind:symbol", so "room:depth:*" grants every depth room.
void guard_realtime(realtime::SocketServer& sockets, services::AccessService& access,
                    services::SessionService& sessions) {
  sockets.set_auth_hook([&sessions](const boost::json::value& auth) -> Result<gateway::Principal> {
    const boost::json::object* fields = auth.if_object();
    const boost::json::value* token = fields != nullptr ? fields->if_contains("token") : nullptr;
    if (token == nullptr || token->is_null()) return gateway::Principal::anonymous_caller();
    if (!token->is_string())
      return error(ErrorCode::kUnauthenticated, "auth.token must be a string");
    return sessions.verify_access(token->as_string(), gateway::AuthMethod::kBearer);
  });
  sockets.set_join_hook(
      [&access](const realtime::Socket& socket, const std::string& room) -> Status {
        if (access.allowed(socket.principal, "room:" + room, "join")) return Status::ok();
        access.audit_event(socket.principal, "", "socket:join " + room, "denied");
        return error(socket.principal.anonymous() ? ErrorCode::kUnauthenticated
                                                  : ErrorCode::kPermissionDenied,
                     "room '{}' needs {}", room,
                     socket.principal.anonymous() ? "a signed-in user (connect with auth {token})"
                                                  : "a role the policy grants it to");
      });
  sockets.set_event_guard(
      [&access](const realtime::Socket& socket, const std::string& event) -> Status {
        if (access.allowed(socket.principal, "event:" + event, "emit")) return Status::ok();
        access.audit_event(socket.principal, "", "socket:" + event, "denied");
        return error(ErrorCode::kPermissionDenied, "event '{}' is not allowed for this connection",
                     event);
      });
}

// A missing asset directory is not fatal (the API works without it), but the pages then answer
// 404; saying so at start-up, with the resolved path and the key, saves the hunt.
void warn_missing_assets(const ServerConfig& server) {
  const struct {
    std::string_view key;
    const std::string& dir;
    std::string_view file;
    std::string_view remedy;
  } assets[] = {
      {"server.swagger_ui_dir", server.swagger_ui_dir, "swagger-ui-bundle.js",
       "/api/docs will answer 404 until `npm ci` installs swagger-ui-dist"},
      {"server.dashboard_dir", server.dashboard_dir, "index.html",
       "/ will answer 404 until the CMake target \"dashboard\" builds it"},
  };
  for (const auto& asset : assets) {
    std::error_code ec;
    const std::filesystem::path file = std::filesystem::path(asset.dir) / asset.file;
    if (std::filesystem::exists(file, ec)) continue;
    spdlog::warn("{} '{}' has no {} (resolved to {}): {}", asset.key, asset.dir, asset.file,
                 std::filesystem::absolute(file, ec).string(), asset.remedy);
  }
}

}  // namespace

int run_server(const Config& loaded_config, const ServeOptions& options) {
  Config config = loaded_config;  // secrets get decrypted in this copy only
  if (Status status = logging::init(config.logging); !status.is_ok()) {
    std::cerr << "mystocks: " << status.message() << "\n";
    return 1;
  }
  if (Status status = prepare_data_dir(config.storage.data_dir); !status.is_ok()) {
    spdlog::error("{}", status.message());
    std::cerr << "mystocks: " << status.message() << "\n";
    return 1;
  }
  Result<MasterKey> master_key = open_master_key(config);
  Status secrets =
      master_key.is_ok() ? decrypt_config_secrets(config, *master_key) : master_key.status();
  if (!secrets.is_ok()) {
    spdlog::error("{}", secrets.message());
    std::cerr << "mystocks: " << secrets.message() << "\n";
    return 1;
  }
  warn_missing_assets(config.server);
  const Clock& clock = SystemClock::instance();
  MetricsRegistry& metrics = MetricsRegistry::global();
  const int64_t started_at = clock.now_ms();
  metrics.gauge_callback("mystocks_uptime_seconds", "Seconds since the server started.",
                         [started_at, &clock] { return (clock.now_ms() - started_at) / 1e3; });
  metrics.gauge("mystocks_build_info", "Build information; the value is always 1.", {"version"})
      .with({std::string(kVersion)})
      .set(1);

  // Before the data plane, so it outlives every writer whose DataChanged invalidates it.
  const GatewayConfig& gw = config.gateway;
  gateway::ResponseCache response_cache(
      {.max_entries = static_cast<size_t>(gw.cache_max_entries),
       .max_bytes = static_cast<size_t>(gw.cache_max_bytes)},
      clock, metrics);

  Result<std::unique_ptr<DataPlane>> plane = DataPlane::open(config, options.demo, clock, metrics);
  if (!plane.is_ok()) {
    spdlog::error("{}", plane.status().to_string());
    // With the code: DATA_LOSS (a damaged store) needs a different fix than IO_ERROR.
    std::cerr << "mystocks: " << plane.status().to_string() << "\n";
    return 1;
  }
  DataPlane& data = **plane;

  Result<std::unique_ptr<Identity>> opened_identity =
      Identity::open(config, std::move(*master_key), data.data(), clock, metrics);
  if (!opened_identity.is_ok()) {
    spdlog::error("{}", opened_identity.status().message());
    std::cerr << "mystocks: " << opened_identity.status().message() << "\n";
    return 1;
  }
  Identity& identity = **opened_identity;
  std::string demo_token;
  if (options.demo) {
    Result<std::string> token = identity.ensure_demo_users(std::string(kDemoPassword));
    if (!token.is_ok()) {
      std::cerr << "mystocks: cannot create the demo users: " << token.status().message() << "\n";
      return 1;
    }
    demo_token = std::move(*token);
  }

  HealthChecks health;
  const std::string data_dir = config.storage.data_dir;
  health.add("storage.data_dir", [data_dir] { return data_dir_writable(data_dir); });
  data.add_health_checks(health);
  // A background thread (live ingest, scheduler, tsdb, job runner, audit writer, ...) that ended
  // by an exception leaves the process up but not doing its work: not ready.
  health.add("threads", [] { return stopped_threads_status(); });

  const RealtimeConfig& rt = config.realtime;
  Result<std::set<std::string>> recovery_namespaces = namespace_set(rt.recovery_namespaces);
  if (!recovery_namespaces.is_ok()) {
    std::cerr << "mystocks: " << recovery_namespaces.status().message() << "\n";
    return 1;
  }
  realtime::SocketServer sockets(
      {.engine = {.ping_interval_ms = rt.ping_interval_ms,
                  .ping_timeout_ms = rt.ping_timeout_ms,
                  .max_payload_bytes = rt.max_payload_bytes,
                  .max_queue_packets = static_cast<size_t>(rt.max_queue_packets)},
       .recovery_window_ms = rt.recovery_window_ms,
       .recovery_max_packets = static_cast<size_t>(rt.recovery_max_packets),
       .ack_timeout_ms = rt.ack_timeout_ms,
       .events_per_second = static_cast<double>(rt.events_per_second),
       .event_burst = 2.0 * static_cast<double>(rt.events_per_second),
       .recovery_namespaces = std::move(*recovery_namespaces)},
      clock, metrics);
  // Bars, quotes and room snapshots: one read model for the routes and the realtime server
  // (declared before the channel whose snapshot source reads it, so it outlives the channel).
  const services::MarketQuery market_query(data.data());
  realtime::MarketChannel market(sockets, clock, metrics,
                                 {.batch_window_ms = rt.batch_window_ms,
                                  .batch_max_messages = static_cast<size_t>(rt.batch_max_messages),
                                  .bar_update_ms = rt.bar_update_ms});
  market.install();
  market.set_snapshot_source(stored_room_state(market_query));
  // Rows saved through the DataManager become room updates (ticks, quotes, 1m bars, ...).
  realtime::MarketFeed feed(market, data.market_clock());
  if (rt.enabled) {
    data.data().subscribe([&feed](const services::DataChanged& event) {
      if (event.schema != nullptr && event.batch != nullptr)
        feed.publish_rows(*event.schema, *event.batch);
    });
    // Forming 1-minute bars are not stored: the live feed hands them over directly.
    data.set_forming_bar_sink([&feed](const storage::TableSchema& table, const RecordBatch& rows) {
      feed.publish_forming_bars(table, rows);
    });
  }
  if (gw.cache_enabled) {
    data.data().subscribe([&response_cache](const services::DataChanged& event) {
      response_cache.invalidate_table(event.table);
    });
  }
  // Paper trading: orders are admitted and filled by the broker, which hears the live feed's
  // quotes through DataChanged. Declared after the data plane, so it goes first.
  services::PaperBroker broker(data.data(), data.market_clock(),
                               services::paper_broker_options(config.paper));
  gateway::RouteRegistry registry;
  std::vector<api::StatusSection> sections;
  sections.push_back({"storage", [&data] { return data.status(); }});
  sections.push_back({"paper_trading", [&broker] {
                        const services::PaperMatchStats stats = broker.stats();
                        return boost::json::value{{"quotes", stats.quotes},
                                                  {"rounds", stats.rounds},
                                                  {"fills", stats.fills},
                                                  {"failures", stats.failures}};
                      }});
  if (config.realtime.enabled) {
    sections.push_back(
        {"realtime", [&sockets] { return boost::json::value(api::realtime_status(sockets)); }});
  }
  Status routes = api::register_system_routes(
      registry, {.metrics = &metrics,
                 .health = &health,
                 .registry = &registry,
                 .version = std::string(kVersion),
                 .swagger_ui_dir = config.server.swagger_ui_dir,
                 .started_at_ms = started_at,
                 .status_sections = std::move(sections)});
  if (routes.is_ok())
    routes = api::register_dashboard_routes(registry, config.server.dashboard_dir);
  if (!routes.is_ok()) {
    spdlog::error("route registration failed: {}", routes.to_string());
    return 1;
  }
  // Market data, orders and "latest" queries follow the market clock (the simulated session in
  // the demo); watchlists' created_at/updated_at, like envelopes, the wall clock.
  if (Status status = api::register_data_api(registry, {.data = &data.data(),
                                                        .catalog = &data.catalog(),
                                                        .clock = &data.market_clock(),
                                                        .wall_clock = &clock,
                                                        .market = &market_query});
      !status.is_ok()) {
    spdlog::error("route registration failed: {}", status.to_string());
    return 1;
  }
  {
    const api::MarketApi market_api{
        .data = &data.data(), .catalog = &data.catalog(), .clock = &data.market_clock()};
    Status status = api::register_order_routes(registry, market_api, broker);
    if (status.is_ok()) status = api::register_portfolio_routes(registry, market_api, broker);
    if (!status.is_ok()) {
      spdlog::error("route registration failed: {}", status.to_string());
      return 1;
    }
  }
  const api::AuthApi auth_api = identity.auth_api();
  if (Status status = api::register_auth_routes(registry, auth_api); !status.is_ok()) {
    spdlog::error("route registration failed: {}", status.to_string());
    return 1;
  }
  if (Status status = api::register_api_key_routes(registry, auth_api); !status.is_ok()) {
    spdlog::error("route registration failed: {}", status.to_string());
    return 1;
  }
  Result<std::map<std::string, double, std::less<>>> job_limits =
      parse_number_map(config.security.job_max_symbol_days, "security.job_max_symbol_days");
  if (!job_limits.is_ok()) {
    std::cerr << "mystocks: " << job_limits.status().message() << "\n";
    return 1;
  }
  if (Status status = api::register_job_routes(registry, data.jobs(), data.job_rules(),
                                               {.max_symbol_days = std::move(*job_limits)});
      !status.is_ok()) {
    spdlog::error("route registration failed: {}", status.to_string());
    return 1;
  }
  if (Status status = api::register_inventory_routes(registry, data.inventory()); !status.is_ok()) {
    spdlog::error("route registration failed: {}", status.to_string());
    return 1;
  }
  server::EngineIoTransport engineio(sockets);
  server::RealtimeHooks hooks;
  if (rt.enabled) {
    if (Status status = api::register_realtime_routes(registry, sockets, market, clock);
        !status.is_ok()) {
      spdlog::error("route registration failed: {}", status.to_string());
      return 1;
    }
    hooks = {.transports = {&engineio},
             .tick = [&] { sockets.tick(); market.tick(); },
             .on_drain = [&] { market.flush(); sockets.close_all("server shutting down"); },
             // A batch waits at most its window plus one tick: a window shorter than the
             // default 10 ms tick gets a tick as short as itself.
             .tick_interval_ms = std::clamp<int64_t>(rt.batch_window_ms, 1, 10)};
    guard_realtime(sockets, identity.access(), identity.sessions());
  }
  hooks.on_hangup = [&identity] {
    if (Status reloaded = identity.policy().reload(); !reloaded.is_ok()) {
      spdlog::error("policy reload failed, the previous policy stays in force: {}",
                    reloaded.message());
    } else {
      spdlog::info("policy reloaded (generation {})", identity.policy().generation());
    }
  };
  gateway::RateLimiter limiter({{"default",
                                 {static_cast<double>(gw.rate_limit_capacity),
                                  static_cast<double>(gw.rate_limit_per_second)}},
                                {"heavy",
                                 {static_cast<double>(gw.rate_limit_heavy_capacity),
                                  static_cast<double>(gw.rate_limit_heavy_per_second)}}},
                               clock, metrics);
  gateway::Router router(registry, metrics, clock,
                         {.access_log = config.server.access_log,
                          .cors_origins = gateway::parse_origin_list(gw.cors_origins),
                          .gzip_min_bytes = static_cast<size_t>(gw.gzip_min_bytes),
                          .rate_limiter = gw.rate_limit_enabled ? &limiter : nullptr,
                          .response_cache = gw.cache_enabled ? &response_cache : nullptr,
                          .access_control = &identity.access()});
  server::HttpServer http(config.server, router, metrics, std::move(hooks));
  if (Status status = http.start(); !status.is_ok()) {
    spdlog::error("{}", status.message());
    std::cerr << "mystocks: " << status.message() << "\n";
    return 1;
  }
  const std::string base = public_base_url(config.server.listen, http.port());
  if (options.demo) {
    std::cout << "\nMyStocks " << kVersion << " demo is running at " << base << "\n"
              << "  health      " << base << "/health\n"
              << "  readiness   " << base << "/health/ready\n"
              << "  API docs    " << base << "/api/docs\n"
              << "  OpenAPI     " << base << "/api/openapi.json\n"
              << "  metrics     " << base << "/metrics\n"
              << "  status      " << base << "/api/v1/system/status\n"
              << (config.realtime.enabled
                      ? "  realtime    Socket.IO at " + base + "/market (path /socket.io/)\n"
                      : "")
              << "  data dir    " << config.storage.data_dir << "\n"
              << "  sign in     users demo (trader) and admin (admin), password " << kDemoPassword
              << ":\n"
              << "              curl -X POST " << base
              << "/api/v1/auth/login -H 'Content-Type: application/json' \\\n"
              << "                   -d '{\"username\":\"demo\",\"password\":\"" << kDemoPassword
              << "\"}'\n"
              << "  demo token  " << demo_token << "\n"
              << "              (Authorization: Bearer <token>; valid "
              << config.security.access_token_ttl_seconds / 60 << " min)\n"
              << "Press Ctrl+C to stop.\n\n"
              << std::flush;
  }
  // Machine-readable line for scripts and tests that start us on port 0.
  std::cout << "MYSTOCKS_LISTENING " << base << std::endl;
  data.start([demo = options.demo](const Status& seeded) {
    if (demo && seeded.is_ok()) std::cout << "Demo data is ready.\n" << std::flush;
  });
  Status drained = http.run(/*handle_signals=*/true);
  // Before the realtime objects go: the live feed publishes into them.
  data.stop();
  if (!drained.is_ok()) {
    spdlog::warn("{}", drained.message());
    return 1;
  }
  spdlog::default_logger()->flush();
  return 0;
}

}  // namespace mystocks::cli
