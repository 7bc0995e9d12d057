// Configuration: config/mystocks.yaml, then `.env` and MYSTOCKS_<SECTION>_<KEY> environment
// overrides (real environment wins over .env), then command-line flags. Every key is declared
// once in config.cc with its type and valid range; an unknown key, a wrong type, a value out of
// range or a missing file is an error naming the file (or variable), the key and the problem.
// Loaded once at start-up on the main thread; afterwards read-only and safe to share.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"

namespace mystocks {

struct ServerConfig {
  std::string listen = "127.0.0.1:8080";  // host:port; static (restart to change)
  int64_t threads = 0;                    // I/O threads; 0 = one per core; static
  int64_t body_limit_bytes = 1 << 20;     // request bodies above this get 413; static
  int64_t header_limit_bytes = 16 << 10;  // request headers above this get 431/400; static
  int64_t read_timeout_ms = 30000;        // time to receive one whole request; static
  int64_t idle_timeout_ms = 60000;        // keep-alive connection idle limit; static
  int64_t shutdown_grace_ms = 10000;      // drain limit after SIGINT/SIGTERM; static
  int64_t handler_threads = 4;            // workers for handlers that wait on stores; static
  int64_t handler_queue = 1024;           // handlers queued or running; more get 503; static
  int64_t handler_timeout_ms = 10000;     // a blocking handler's default limit before 504; static
  bool access_log = false;                // one log line per request (costs ~10% throughput)
  std::string swagger_ui_dir = "node_modules/swagger-ui-dist";  // Swagger UI assets; static
  std::string dashboard_dir = "web/dist";  // built web dashboard served at /; relative to cwd; static
};

struct GatewayConfig {
  bool rate_limit_enabled = true;          // token buckets per client (API key or IP) and route class
  int64_t rate_limit_capacity = 200;       // "default" class burst, requests
  int64_t rate_limit_per_second = 100;     // "default" class sustained requests per second
  int64_t rate_limit_heavy_capacity = 20;  // "heavy" class (large scans, batch jobs) burst
  int64_t rate_limit_heavy_per_second = 5;  // "heavy" class sustained requests per second
  std::string cors_origins;                // comma-separated allowed origins, "*" for any; empty = none
  int64_t gzip_min_bytes = 1024;           // gzip compressible bodies at least this big; 0 = never
  bool cache_enabled = true;               // response cache for routes with a cache policy; static
  int64_t cache_max_entries = 10000;       // response cache bound, entries (1..10^7); static
  int64_t cache_max_bytes = 67108864;      // response cache bound, body bytes (64 KiB..64 GiB); static
  int64_t breaker_failure_threshold = 5;   // consecutive store/source failures opening a breaker
  int64_t breaker_success_threshold = 2;   // half-open successes closing it again
  int64_t breaker_open_timeout_ms = 30000;  // ms an open breaker refuses calls before a probe
};

struct StorageConfig {
  std::string data_dir = "./data";  // embedded stores live here; static
  std::string relational = "sqlite";  // sqlite | postgres: the relational store; static
  std::string tables_file = "config/tables.yaml";  // table declarations; relative to cwd; static
};

// The embedded relational store (storage.relational = sqlite).
struct SqliteConfig {
  std::string path = "relational.db";  // database file; relative paths are under data_dir; static
  std::string synchronous = "normal";  // normal | full (fsync every commit); static
  int64_t busy_timeout_ms = 5000;      // wait for another process's write lock, ms; static
  int64_t read_connections = 2;        // connections serving concurrent queries; static
  int64_t max_result_rows = 1000000;   // larger query results are refused (page instead); static
};

// PostgreSQL as the relational store (storage.relational = postgres). Secrets belong in the
// environment (MYSTOCKS_POSTGRES_DSN), not in the file.
struct PostgresConfig {
  std::string dsn;                     // libpq keywords shared by primary and replica
                                       // ("dbname=mystocks user=mystocks password=..."); static
  std::string primary = "127.0.0.1:5432";  // host:port for writes (and reads without replica); static
  std::string replica;                 // host:port of a streaming replica for reads; "" = none; static
  int64_t pool_size = 5;               // connections kept open per server; static
  int64_t max_overflow = 10;           // extra connections under load, closed when returned; static
  bool pre_ping = true;                // check an idle connection before handing it out; static
  int64_t recycle_seconds = 3600;      // reopen connections older than this; 0 = never; static
  int64_t acquire_timeout_ms = 30000;  // wait for a free connection before failing, ms; static
  int64_t connect_timeout_ms = 5000;   // libpq connect_timeout, ms (rounded up to seconds); static
  int64_t statement_timeout_ms = 30000;  // server-side statement_timeout, ms; 0 = none; static
  int64_t replica_retry_ms = 5000;     // after a replica failure, reads use the primary this long
  int64_t reconnect_timeout_ms = 15000;  // how long a request retries a lost primary, ms; static
  int64_t max_result_rows = 1000000;   // larger query results are refused (page instead); static
};

// The embedded time-series engine under <storage.data_dir>/tsdb (docs/design/tsdb.md).
struct TsdbConfig {
  std::string sync = "group:5";            // always | group:<ms> | none: when a write is durable; static
  int64_t memtable_bytes = 64 << 20;  // all memtables (active + frozen) together, bytes; static
  int64_t max_frozen_memtables = 2;        // memtables awaiting flush before writers block; static
  int64_t flush_interval_ms = 300000;      // flush rows older than this too (bounds replay); static
  int64_t compaction_trigger = 4;          // merge a day's segments when this many pile up; static
  std::string compression = "zstd";        // zstd | lz4 | none, outer block codec; static
  int64_t zstd_level = 3;                  // 1..19; static
  int64_t segment_cache_entries = 256;     // open segment files kept (fd + index); static
  int64_t latest_cache_series = 100000;    // latest-row cache entries per table; static
  // Seconds between full scrubs of the segment files (every block checksum verified on a
  // low-priority thread, the first pass at start; a damaged segment fails readiness); 0 = off. static
  int64_t scrub_interval_s = 86400;
  // Seconds between runs of table retention (tables.yaml retention_days); 0 = never. static
  int64_t retention_interval_s = 3600;
};

struct RealtimeConfig {
  bool enabled = true;                  // Socket.IO server under /socket.io/ on the HTTP port; static
  int64_t ping_interval_ms = 25000;     // Engine.IO heartbeat interval; static
  int64_t ping_timeout_ms = 20000;      // a client silent this long after a ping is dropped; static
  int64_t max_payload_bytes = 1000000;  // largest client message (HTTP body or WebSocket frame); static
  int64_t max_queue_packets = 2000;     // per-client queue; beyond it (after conflation) = slow client
  int64_t recovery_window_ms = 120000;  // reconnecting clients recover missed packets within this
  int64_t recovery_max_packets = 100000;  // broadcasts kept for recovery
  int64_t ack_timeout_ms = 5000;        // server->client acknowledgement deadline
  int64_t events_per_second = 50;       // per-connection client event rate; burst is 2x
  int64_t batch_window_ms = 50;         // market fan-out batching window
  int64_t batch_max_messages = 100;     // ... or this many updates, whichever first
  int64_t bar_update_ms = 1000;         // forming 1-minute bars: at most one push per symbol per this
  // Namespaces whose room broadcasts carry a recovery offset as their last argument (comma-
  // separated; "" = none). Clients there recover missed packets after a reconnect; a client may
  // still opt out with CONNECT auth {"offsets": false}. static
  std::string recovery_namespaces = "/,/market";
};

// Data sources (src/sources): the configured instances, their failover order per data type and
// the built-in adapters' settings. Lists are comma-separated strings. All keys are static.
struct SourcesConfig {
  std::string instances = "simulator";  // name=type list ("primary=simulator,backup=csv"); a bare
                                        // type names an instance after itself
  std::string priority = "simulator";   // failover order for data types without their own list
  std::string priority_daily;            // per data type, overrides `priority`; "" = use it
  std::string priority_index_daily;
  std::string priority_minute;
  std::string priority_symbols;
  std::string priority_index_components;
  std::string priority_realtime;
  std::string priority_calendar;
  std::string priority_fundamentals;
  std::string priority_fund_flow;
  std::string priority_news;
  std::string priority_tick;
  int64_t simulator_seed = 42;            // same seed, same market
  int64_t simulator_symbols = 300;        // securities simulated, 1..20000
  int64_t simulator_max_rows = 5000000;   // rows one request may produce; split larger requests
  int64_t demo_daily_days = 500;          // demo seed: trading days of daily bars, 1..1500
  int64_t demo_minute_days = 20;          // demo seed: trading days of 1-minute bars, 0..250
  int64_t demo_tick_days = 2;             // demo seed: trading days of ticks, 0..20
  bool live_enabled = false;              // serve: run the simulator's live feed (demo always does)
  int64_t live_speed = 1;                 // live feed: market seconds per wall second, 1..10000
  bool live_always_open = false;          // live feed: a session clock that never closes (demo)
  int64_t live_max_rows = 100000;         // live feed: tick rows per batch
  std::string csv_dir = "./data/import";  // csv source root: daily/, minute_1m/, tick/, ...
  std::string csv_encoding = "auto";      // auto | utf-8 | gbk
  std::string csv_on_error = "skip";      // skip (report the line, go on) | stop (fail the file)
  std::string csv_delimiter = ",";        // one character; \t for tab
  std::string csv_columns;                // extra header mappings "header=column[*multiplier],..."
};

// Ingest jobs (src/services/ingest_*): the job runner behind `mystocks ingest` and
// /api/v1/data/jobs, and the scheduled daily update. All keys are static.
struct IngestConfig {
  std::string schedule;                           // "daily@HH:MM" Asia/Shanghai on trading days;
                                                  // "" = no scheduled jobs
  std::string schedule_datasets = "daily,index_daily";  // datasets the scheduled update fetches
  std::string schedule_source;                    // source instance; "" = the failover order
  int64_t workers = 1;                            // threads running jobs, 1..8
  int64_t queue_capacity = 16;                    // jobs waiting beyond the running ones
  int64_t chunk_symbols = 50;                     // symbols per fetch
  int64_t chunk_rows = 65536;  // rows per batch streamed from a source (csv files), 0 = the whole
                               // fetch in one batch; bounds an import's memory; static
  std::string strategy = "continue";              // rollback | continue | retry (invalid rows)
  int64_t keep_finished_jobs = 100;               // finished jobs listed by the job API
  int64_t keep_finished_seconds = 3600;           // ... and for at most this long
  int64_t history_jobs = 1000;  // jobs kept in the ingest_jobs table (survive restarts), 1..1e6
};

// Identity and access (docs/security.md). Secrets may be given as enc:v1:... values (see
// `mystocks admin encrypt-secret`). All keys are static: restart to change, except the policy
// files, which SIGHUP reloads.
struct SecurityConfig {
  // Master key for encrypted values and stored API-key secrets: MYSTOCKS_MASTER_KEY (base64) wins;
  // else this file (base64, mode 0600); relative paths are under storage.data_dir.
  std::string master_key_file = "master.key";
  bool create_master_key = true;          // create the key file (0600) on first start if absent
  std::string jwt_keys;                   // "kid=secret,..." (secrets enc:v1:...); "" = one key
                                          // derived from the master key
  std::string jwt_active_kid;             // key that signs new tokens; "" = the first of jwt_keys
  int64_t access_token_ttl_seconds = 900;      // access JWT lifetime
  int64_t refresh_token_ttl_seconds = 604800;  // refresh token lifetime (7 days)
  int64_t clock_skew_seconds = 30;        // tolerance on exp/iat of tokens
  int64_t signature_window_ms = 300000;   // API-key requests: |now - X-Timestamp| limit
  int64_t nonce_cache_entries = 1000000;  // API-key nonces remembered inside the window
  int64_t password_ops_limit = 2;         // argon2id passes (libsodium OPSLIMIT_INTERACTIVE)
  int64_t password_mem_kib = 65536;       // argon2id memory, KiB (MEMLIMIT_INTERACTIVE = 64 MiB)
  int64_t login_free_failures = 3;        // failed logins before delays start (per user and address)
  int64_t login_lock_failures = 10;       // failed logins that lock the user/address temporarily
  int64_t login_lock_ms = 900000;         // how long such a lock lasts
  int64_t csrf_ttl_ms = 600000;           // CSRF token lifetime
  std::string cookie_secure = "auto";     // auto (Secure behind X-Forwarded-Proto: https) | always | never
  std::string policy_model = "config/rbac_model.conf";  // Casbin model; SIGHUP reloads
  std::string policy_file = "config/rbac_policy.csv";   // Casbin policy; SIGHUP reloads
  std::string role_rate_scale = "anonymous=1,viewer=2,trader=4,operator=8,admin=8";  // x rate limits
  std::string job_max_symbol_days = "operator=5000000,admin=0";  // ingest job size per role; 0 = no limit
};

// Paper trading (services/paper_broker.h, docs/trading-api.md): the cash a new account starts
// with and the fees charged on each fill. Rates are integers in parts per million (250 ppm =
// 0.025 %) so fees stay exact. Defaults are the typical retail A-share schedule. All keys are
// static: restart to change (a changed schedule applies to later fills only).
struct PaperConfig {
  int64_t initial_cash_yuan = 1000000;  // cash of a new paper account, yuan, 0..1e11
  int64_t commission_ppm = 250;         // broker commission, ppm of the amount, both sides
  int64_t commission_min_cents = 500;   // smallest commission per fill, cents (5 yuan)
  int64_t stamp_duty_ppm = 500;         // stamp duty on sells, ppm (0.05 %)
  int64_t transfer_fee_ppm = 10;        // exchange transfer fee, ppm, both sides (0.001 %)
};

struct LoggingConfig {
  std::string level = "info";  // trace|debug|info|warn|error|off; static
  std::string format = "json";  // json|text; static
  std::string file;             // empty = stderr; static
};

struct Config {
  ServerConfig server;
  GatewayConfig gateway;
  StorageConfig storage;
  SqliteConfig sqlite;
  PostgresConfig postgres;
  TsdbConfig tsdb;
  RealtimeConfig realtime;
  SourcesConfig sources;
  IngestConfig ingest;
  SecurityConfig security;
  PaperConfig paper;
  LoggingConfig logging;

  std::string source;  // where it came from, for messages: "config/mystocks.yaml" or "defaults"
};

struct ConfigOverrides {
  std::string listen;    // --listen
  std::string data_dir;  // --data-dir
};

// Loads `path` (required to exist), applies `.env` from `dotenv_path` when that file exists,
// the process environment, then `overrides`; validates the result.
Result<Config> load_config(const std::string& path, const std::string& dotenv_path,
                           const ConfigOverrides& overrides = {});

// Parses YAML text as if read from `source_name` (tests and embedded defaults).
Result<Config> parse_config(const std::string& yaml_text, const std::string& source_name);

// Applies MYSTOCKS_<SECTION>_<KEY> variables from `environment` (name -> value); `origin`
// names where they came from in messages ("environment", ".env").
Status apply_environment(Config& config, const std::map<std::string, std::string>& environment,
                         const std::string& origin);

// Parses a .env file: KEY=VALUE lines, optional `export `, quotes, # comments.
Result<std::map<std::string, std::string>> parse_dotenv(const std::string& text,
                                                       const std::string& source_name);

// Cross-field checks (listen is host:port, ...).
Status validate_config(const Config& config);

// Every declared key as "section.key" with its default, for docs and `--help`.
std::vector<std::string> config_keys();

}  // namespace mystocks
