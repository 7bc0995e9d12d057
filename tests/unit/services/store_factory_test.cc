// Opening the configured relational store: SQLite under data_dir by default; errors name keys.
#include "services/store_factory.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace mystocks::services {
namespace {

TEST(StoreFactoryTest, SqliteLivesUnderDataDirUnlessAbsolute) {
  Result<test::TempDir> dir = test::TempDir::create("store_factory_");
  ASSERT_TRUE(dir.is_ok());
  Config config;
  config.storage.data_dir = (dir->path() / "nested/data").string();
  Result<std::unique_ptr<storage::RelationalStore>> store = open_relational_store(config);
  ASSERT_TRUE(store.is_ok()) << store.status().to_string();
  EXPECT_EQ((*store)->backend(), "sqlite");
  EXPECT_TRUE(std::filesystem::exists(dir->path() / "nested/data/relational.db"));
  config.sqlite.path = (dir->path() / "elsewhere.db").string();
  config.sqlite.synchronous = "full";
  Result<std::unique_ptr<storage::RelationalStore>> absolute = open_relational_store(config);
  ASSERT_TRUE(absolute.is_ok()) << absolute.status().to_string();
  EXPECT_EQ((*absolute)->describe(), "sqlite " + config.sqlite.path + " (WAL, synchronous=full)");
}

TEST(StoreFactoryTest, PostgresIsBuiltFromDsnAndServerAddresses) {
  Config config;
  config.source = "my.yaml";
  config.storage.relational = "postgres";
  config.postgres.dsn = "dbname=mystocks user=app password=secret";
  config.postgres.primary = "10.0.0.5:6432";
  config.postgres.replica = "[::1]:5433";
  Result<std::unique_ptr<storage::RelationalStore>> store = open_relational_store(config);
  ASSERT_TRUE(store.is_ok()) << store.status().to_string();  // connections open on first use
  EXPECT_EQ((*store)->backend(), "postgres");
  EXPECT_EQ((*store)->describe(),
            "postgres primary 10.0.0.5:6432/mystocks, replica ::1:5433/mystocks");
  config.postgres.replica = "replica-host";
  const Status bad = open_relational_store(config).status();
  EXPECT_EQ(bad.field(), "postgres.replica");
  EXPECT_EQ(
      bad.message(),
      "my.yaml: postgres.replica 'replica-host' is not host:port (for example 127.0.0.1:5432)");
  config.postgres.replica.clear();
  config.postgres.dsn = "dbname";
  EXPECT_EQ(open_relational_store(config).status().field(), "postgres.dsn");
}

TEST(StoreFactoryTest, UnknownBackendNamesTheKey) {
  Config config;
  config.source = "my.yaml";
  config.storage.relational = "mongodb";
  const Status status = open_relational_store(config).status();
  EXPECT_EQ(status.field(), "storage.relational");
  EXPECT_EQ(status.message(),
            "my.yaml: storage.relational 'mongodb' is not supported: expected sqlite or postgres");
}

}  // namespace
}  // namespace mystocks::services
