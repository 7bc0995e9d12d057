// mystocks: the single binary. Subcommands: serve, demo, ingest, data, admin, version, help.
#include <algorithm>
#include <cstddef>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/admin_tsdb.h"
#include "cli/admin_users.h"
#include "cli/conformance_app.h"
#include "cli/data_delete.h"
#include "cli/data_inventory.h"
#include "cli/ingest_app.h"
#include "cli/server_app.h"
#include "cli/version.h"
#include "core/config.h"

namespace {

using mystocks::Config;
using mystocks::ConfigOverrides;

constexpr std::string_view kUsage = R"(Usage: mystocks <command> [options]

Commands:
  serve      Run the server with the configured stores.
  demo       Run the server for a first look (data under <data-dir>/demo) and print where to look.
  socketio-conformance [--listen 127.0.0.1:3000]
             Run a server that behaves like the reference server of the official Engine.IO and
             Socket.IO protocol test suites (for checking protocol compatibility).
  ingest --dataset DATASET (--symbols LIST | --all) --from DATE --to DATE [--source NAME]
             [--strategy rollback|continue|retry] [--replace] [--config PATH] [--data-dir DIR]
             Fetch data from a source into the stores, with quality checks; re-runs resume
             (--replace fetches the range again and replaces what is stored).
             'mystocks ingest --help' lists every option.
  data delete --table TABLE [--symbols LIST] [--from DATE] [--to DATE] [--all] [--data-dir DIR]
             Delete a table's rows for symbols and dates (--all: every row), with the server
             stopped. 'mystocks data delete --help' lists every option.
  data inventory [--table T] [--symbols LIST] [--has-gaps true|false] [--csv] [--data-dir DIR]
             What is stored per table and series: rows, first/last, last write, source,
             missing trading days ('mystocks data inventory --help').
  admin tsdb-check | tsdb-stats | tsdb-repair [--dir DIR | --data-dir DIR]
             Verify every checksum of the embedded time-series store, print its sizes, or
             salvage every readable record of a damaged WAL ('mystocks admin help').
  admin user add|passwd|role|disable|enable|list
             Manage the users who may sign in ('mystocks admin user help').
  admin encrypt-secret < secret
             Print the enc:v1:... form of a secret for the configuration.
  version    Print the version.
  help       Print this help.

Options (serve, demo):
  --config PATH     Configuration file (default: config/mystocks.yaml).
  --env-file PATH   Environment file applied before the real environment (default: .env).
  --listen ADDR     Listen address host:port, overrides server.listen (port 0 = any free port).
  --data-dir DIR    Data directory, overrides storage.data_dir.

Every configuration key can also be set as MYSTOCKS_<SECTION>_<KEY>, for example
MYSTOCKS_SERVER_LISTEN=0.0.0.0:8080. Keys and defaults:
)";

void print_usage(std::ostream& out) {
  out << kUsage;
  for (const std::string& key : mystocks::config_keys()) out << "  " << key << "\n";
}

int usage_error(const std::string& message) {
  std::cerr << "mystocks: " << message << "\nRun 'mystocks help' for usage.\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty()) {
    print_usage(std::cerr);
    return 2;
  }
  const std::string_view command = args[0];
  if (command == "help" || command == "--help" || command == "-h") {
    print_usage(std::cout);
    return 0;
  }
  if (command == "version" || command == "--version") {
    std::cout << "mystocks " << mystocks::cli::kVersion << "\n";
    return 0;
  }
  if (command == "socketio-conformance") {
    std::string listen = "127.0.0.1:3000";
    for (size_t index = 1; index < args.size(); ++index) {
      if (args[index] != "--listen") {
        return usage_error("unknown option '" + std::string(args[index]) + "' for socketio-conformance");
      }
      if (index + 1 >= args.size()) return usage_error("option --listen needs a value");
      listen = std::string(args[++index]);
    }
    return mystocks::cli::run_socketio_conformance(listen);
  }
  if (command == "ingest") return mystocks::cli::run_ingest({args.begin() + 1, args.end()});
  if (command == "data") {
    const std::string_view verb = args.size() > 1 ? args[1] : std::string_view();
    const auto first = args.begin() + static_cast<std::ptrdiff_t>(std::min<size_t>(2, args.size()));
    const std::vector<std::string> rest(first, args.end());
    if (verb == "delete") return mystocks::cli::run_data_delete(rest);
    if (verb == "inventory") return mystocks::cli::run_data_inventory(rest);
    return usage_error(verb.empty() ? std::string("data needs a verb: delete or inventory")
                                    : "unknown data verb '" + std::string(verb) +
                                          "': expected delete or inventory");
  }
  if (command == "admin") {
    const std::string_view what = args.size() > 1 ? args[1] : std::string_view();
    if (what == "user") return mystocks::cli::run_admin_user({args.begin() + 2, args.end()});
    if (what == "encrypt-secret") return mystocks::cli::run_encrypt_secret({args.begin() + 2, args.end()});
    return mystocks::cli::run_admin_tsdb({args.begin() + 1, args.end()});
  }
  if (command != "serve" && command != "demo") {
    return usage_error("unknown command '" + std::string(command) +
                       "': expected serve, demo, ingest, data, socketio-conformance, admin, version "
                       "or help");
  }

  std::string config_path = "config/mystocks.yaml";
  std::string env_file = ".env";
  ConfigOverrides overrides;
  for (size_t index = 1; index < args.size(); ++index) {
    const std::string_view flag = args[index];
    if (flag == "--help" || flag == "-h") {
      print_usage(std::cout);
      return 0;
    }
    std::string* target = nullptr;
    if (flag == "--config") target = &config_path;
    else if (flag == "--env-file") target = &env_file;
    else if (flag == "--listen") target = &overrides.listen;
    else if (flag == "--data-dir") target = &overrides.data_dir;
    else return usage_error("unknown option '" + std::string(flag) + "' for " + std::string(command));
    if (index + 1 >= args.size() || args[index + 1].starts_with("--")) {
      return usage_error("option " + std::string(flag) + " needs a value");
    }
    *target = std::string(args[++index]);
  }

  mystocks::Result<Config> config = mystocks::load_config(config_path, env_file, overrides);
  if (!config.is_ok()) {
    std::cerr << "mystocks: invalid configuration: " << config.status().message() << "\n";
    return 1;
  }
  if (command == "demo") config->storage.data_dir += "/demo";
  return mystocks::cli::run_server(*config, {.demo = command == "demo"});
}
