#include "cli/admin_users.h"

#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <string>

#include <fmt/format.h>

#include "cli/identity_setup.h"
#include "core/config.h"
#include "services/identity/user_directory.h"
#include "services/store_factory.h"
#include "storage/tables_yaml.h"

namespace mystocks::cli {
namespace {

constexpr std::string_view kUserUsage = R"(Usage: mystocks admin user <command> [options]

Commands:
  add NAME --role ROLE     Create a user (roles: viewer, trader, operator, admin).
  passwd NAME              Set a user's password.
  role NAME ROLE           Change a user's role (effective at the user's next token refresh).
  disable NAME | enable NAME
                           A disabled user cannot log in or refresh; live access tokens end
                           within security.access_token_ttl_seconds.
  list                     Print every user.

Options:
  --password-stdin   Read the password from the first line of stdin (scripts); otherwise it is
                     asked for twice without echo.
  --config PATH      Configuration file (default: config/mystocks.yaml).
  --env-file PATH    Environment file (default: .env).
  --data-dir DIR     Overrides storage.data_dir.
)";

constexpr std::string_view kIdentityTables[] = {"users", "auth_sessions", "api_keys", "audit_log"};

struct UserCommand {
  std::vector<std::string> positional;
  std::string role;
  bool password_stdin = false;
  std::string config = "config/mystocks.yaml";
  std::string env_file = ".env";
  ConfigOverrides overrides;
};

int fail(std::string_view message) {
  std::cerr << "mystocks admin user: " << message << "\n";
  return 1;
}

int usage(std::string_view message) {
  std::cerr << "mystocks admin user: " << message << "\nRun 'mystocks admin user help' for usage.\n";
  return 2;
}

std::string read_hidden(std::string_view prompt) {
  std::cerr << prompt << std::flush;
  termios saved{};
  const bool tty = ::tcgetattr(STDIN_FILENO, &saved) == 0;
  if (tty) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  return line;
}

std::optional<std::string> ask_password(bool from_stdin) {
  if (from_stdin) {
    std::string line;
    if (!std::getline(std::cin, line)) return std::nullopt;
    return line;
  }
  std::string first = read_hidden("Password: ");
  if (read_hidden("Repeat password: ") != first) return std::nullopt;
  return first;
}

// The relational store with the identity tables only: the time-series store (and its lock)
// stays with the running server.
struct IdentityStore {
  std::shared_ptr<const storage::TableCatalog> catalog;
  std::unique_ptr<storage::RelationalStore> relational;
  std::unique_ptr<services::DataManager> data;
};

Result<IdentityStore> open_identity_store(const Config& config) {
  Result<storage::TableCatalog> all = storage::load_tables_yaml(config.storage.tables_file);
  MYSTOCKS_RETURN_IF_ERROR(all.status());
  std::vector<storage::TableSchema> tables;
  for (std::string_view name : kIdentityTables) {
    Result<const storage::TableSchema*> table = all->find(name);
    MYSTOCKS_RETURN_IF_ERROR(table.status());
    tables.push_back(**table);
  }
  IdentityStore store;
  store.catalog = std::make_shared<const storage::TableCatalog>(std::move(tables));
  Result<std::unique_ptr<storage::RelationalStore>> relational =
      services::open_relational_store(config, SystemClock::instance());
  MYSTOCKS_RETURN_IF_ERROR(relational.status());
  store.relational = std::move(*relational);
  store.data = std::make_unique<services::DataManager>(*store.catalog, nullptr, store.relational.get(),
                                                       SystemClock::instance());
  MYSTOCKS_RETURN_IF_ERROR(store.data->open());
  return store;
}

int run_user_command(const UserCommand& command, services::UserDirectory& users) {
  const std::vector<std::string>& words = command.positional;
  const std::string& verb = words[0];
  auto need = [&](size_t count) { return words.size() == count; };
  Status status;
  if (verb == "list" && need(1)) {
    Result<std::vector<services::User>> all = users.list();
    if (!all.is_ok()) return fail(all.status().message());
    std::cout << fmt::format("{:<24} {:<10} {:<9} {}\n", "USERNAME", "ROLE", "STATUS", "USER ID");
    for (const services::User& user : *all) {
      std::cout << fmt::format("{:<24} {:<10} {:<9} {}\n", user.username, user.role, user.status,
                               user.user_id);
    }
    return 0;
  } else if (verb == "add" && need(2)) {
    if (command.role.empty()) return usage("add needs --role (viewer, trader, operator or admin)");
    std::optional<std::string> password = ask_password(command.password_stdin);
    if (!password) return fail("the passwords did not match (or stdin was empty)");
    Result<services::User> user = users.create(words[1], *password, command.role);
    status = user.status();
  } else if (verb == "passwd" && need(2)) {
    std::optional<std::string> password = ask_password(command.password_stdin);
    if (!password) return fail("the passwords did not match (or stdin was empty)");
    status = users.set_password(words[1], *password);
  } else if (verb == "role" && need(3)) {
    status = users.set_role(words[1], words[2]);
  } else if ((verb == "disable" || verb == "enable") && need(2)) {
    status = users.set_status(words[1], verb == "disable" ? "disabled" : "active");
  } else {
    return usage("unknown command or wrong arguments: " + verb);
  }
  if (!status.is_ok()) return fail(status.message());
  std::cout << verb << " " << words[1] << ": done\n";
  return 0;
}

}  // namespace

int run_admin_user(const std::vector<std::string_view>& args) {
  if (args.empty() || args[0] == "help" || args[0] == "--help") {
    (args.empty() ? std::cerr : std::cout) << kUserUsage;
    return args.empty() ? 2 : 0;
  }
  UserCommand command;
  for (size_t index = 0; index < args.size(); ++index) {
    const std::string_view word = args[index];
    if (word == "--password-stdin") {
      command.password_stdin = true;
      continue;
    }
    std::string* target = nullptr;
    if (word == "--role") target = &command.role;
    else if (word == "--config") target = &command.config;
    else if (word == "--env-file") target = &command.env_file;
    else if (word == "--data-dir") target = &command.overrides.data_dir;
    if (target == nullptr) {
      if (word.starts_with("--")) return usage("unknown option '" + std::string(word) + "'");
      command.positional.emplace_back(word);
      continue;
    }
    if (index + 1 >= args.size()) return usage("option " + std::string(word) + " needs a value");
    *target = std::string(args[++index]);
  }
  Result<Config> config = load_config(command.config, command.env_file, command.overrides);
  if (!config.is_ok()) return fail("invalid configuration: " + std::string(config.status().message()));
  Result<MasterKey> key = open_master_key(*config);
  Status secrets = key.is_ok() ? decrypt_config_secrets(*config, *key) : key.status();
  if (!secrets.is_ok()) return fail(secrets.message());
  Result<IdentityStore> store = open_identity_store(*config);
  if (!store.is_ok()) return fail(store.status().to_string());
  services::UserDirectory users(
      *store->data, SystemClock::instance(),
      PasswordHashParams{.ops_limit = static_cast<uint64_t>(config->security.password_ops_limit),
                         .mem_limit_bytes = static_cast<size_t>(config->security.password_mem_kib) * 1024});
  return run_user_command(command, users);
}

int run_encrypt_secret(const std::vector<std::string_view>& args) {
  std::string config_path = "config/mystocks.yaml";
  ConfigOverrides overrides;
  for (size_t index = 0; index < args.size(); ++index) {
    std::string* target = nullptr;
    if (args[index] == "--config") target = &config_path;
    else if (args[index] == "--data-dir") target = &overrides.data_dir;
    else {
      std::cerr << "Usage: mystocks admin encrypt-secret [--config PATH] [--data-dir DIR] < secret\n"
                   "Reads the secret from stdin and prints its enc:v1:... form for the config.\n";
      return args[index] == "--help" ? 0 : 2;
    }
    if (index + 1 >= args.size()) return usage("option needs a value");
    *target = std::string(args[++index]);
  }
  Result<Config> config = load_config(config_path, ".env", overrides);
  if (!config.is_ok()) return fail("invalid configuration: " + std::string(config.status().message()));
  Result<MasterKey> key = open_master_key(*config);
  if (!key.is_ok()) return fail(key.status().message());
  std::string secret;
  std::getline(std::cin, secret);
  if (secret.empty()) return fail("stdin held no secret");
  std::cout << encrypt_secret(*key, secret) << "\n";
  std::cerr << "encrypted with master key " << key->id() << "\n";
  return 0;
}

}  // namespace mystocks::cli
