// Identity services over a real SqliteStore in a temp directory holding only the identity tables
// of the shipped tables.yaml (users, auth_sessions, api_keys, audit_log), on a manual clock, with
// cheap argon2id parameters so tests stay fast. One test thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/clock.h"
#include "core/metrics.h"
#include "core/secret_box.h"
#include "gateway/jwt.h"
#include "services/data_manager.h"
#include "services/identity/api_key_service.h"
#include "services/identity/session_service.h"
#include "services/identity/user_directory.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/tables_yaml.h"
#include "support/assert_status.h"
#include "support/source_dir.h"
#include "support/temp_dir.h"

namespace mystocks::services::test {

// libsodium's minimum for argon2id: 1 pass, 8 KiB.
inline const PasswordHashParams kFastHash{.ops_limit = 1, .mem_limit_bytes = 8 * 1024};

class IdentityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<storage::TableCatalog> shipped =
        storage::load_tables_yaml(mystocks::test::source_path("config/tables.yaml"));
    ASSERT_TRUE(shipped.is_ok()) << shipped.status().to_string();
    std::vector<storage::TableSchema> tables;
    for (const char* name : {"users", "auth_sessions", "api_keys", "audit_log"}) {
      tables.push_back(**shipped->find(name));
    }
    catalog_ = std::make_unique<storage::TableCatalog>(std::move(tables));
    Result<mystocks::test::TempDir> dir = mystocks::test::TempDir::create("identity_");
    ASSERT_TRUE(dir.is_ok());
    dir_.emplace(std::move(*dir));
    Result<std::unique_ptr<storage::SqliteStore>> sqlite =
        storage::SqliteStore::open({.path = (dir_->path() / "relational.db").string()}, clock_);
    ASSERT_TRUE(sqlite.is_ok()) << sqlite.status().to_string();
    sqlite_ = std::move(*sqlite);
    data_ = std::make_unique<DataManager>(*catalog_, nullptr, sqlite_.get(), clock_,
                                          DataManagerOptions{.metrics = &metrics_});
    MYSTOCKS_ASSERT_OK(data_->open());
    users_ = std::make_unique<UserDirectory>(*data_, clock_, kFastHash);
    MYSTOCKS_ASSERT_OK(keys_.add_key("k1", std::string(32, 'k')));
    sessions_ = std::make_unique<SessionService>(*data_, *users_, keys_, clock_, SessionOptions{});
    api_keys_ = std::make_unique<ApiKeyService>(*data_, *users_, master_, clock_);
  }

  User make_user(const std::string& name, const std::string& role) {
    Result<User> user = users_->create(name, "correct horse", role);
    EXPECT_TRUE(user.is_ok()) << user.status().to_string();
    return user.is_ok() ? *user : User{};
  }

  ManualClock clock_{1'765'000'000'000};
  MetricsRegistry metrics_;
  MasterKey master_ = MasterKey::generate();
  gateway::JwtKeyring keys_;
  std::unique_ptr<storage::TableCatalog> catalog_;
  std::optional<mystocks::test::TempDir> dir_;
  std::unique_ptr<storage::SqliteStore> sqlite_;
  std::unique_ptr<DataManager> data_;
  std::unique_ptr<UserDirectory> users_;
  std::unique_ptr<SessionService> sessions_;
  std::unique_ptr<ApiKeyService> api_keys_;
};

}  // namespace mystocks::services::test
