// SqliteStore: the shared RelationalStore suite on a temporary database file per test, and what
// only SQLite has (WAL mode, the file itself, the single writer).
#include "storage/sqlite/sqlite_store.h"

#include <atomic>
#include <filesystem>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "storage/tables_yaml.h"
#include "support/assert_status.h"
#include "support/temp_dir.h"
#include "unit/storage/relational/batch_text.h"
#include "unit/storage/relational/relational_store_suite.h"

namespace mystocks::storage::test {
namespace {

// One temp directory for the test binary; each test gets its own file in it.
const std::filesystem::path& scratch_dir() {
  static const Result<mystocks::test::TempDir> dir =
      mystocks::test::TempDir::create("sqlite_store_");
  return dir->path();
}

RelationalBackend sqlite_backend() {
  return RelationalBackend{
      .name = "sqlite",
      .fresh_database = []() -> Result<std::string> {
        static std::atomic<int> counter{0};
        return (scratch_dir() / fmt::format("db{}.sqlite", counter++)).string();
      },
      .open = [](const std::string& path,
                 int64_t max_result_rows) -> Result<std::unique_ptr<RelationalStore>> {
        Result<std::unique_ptr<SqliteStore>> store =
            SqliteStore::open({.path = path, .max_result_rows = max_result_rows});
        if (!store.is_ok()) return store.status();
        return std::unique_ptr<RelationalStore>(std::move(*store));
      }};
}

INSTANTIATE_TEST_SUITE_P(Sqlite, RelationalStoreSuite, ::testing::Values(sqlite_backend()),
                         backend_test_name);

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<TableCatalog> catalog = parse_tables_yaml(kSuiteTablesYaml, "suite.yaml");
    ASSERT_TRUE(catalog.is_ok());
    catalog_ = std::move(*catalog);
    path_ =
        (scratch_dir() /
         (std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + ".sqlite"))
            .string();
  }
  const TableSchema& bars() const { return **catalog_.find("bars"); }

  std::string raw_scalar(const std::string& sql) const {
    sqlite3* db = nullptr;
    sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
    sqlite3_stmt* statement = nullptr;
    std::string value = "<error>";
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(statement, 0);
      value = text != nullptr ? reinterpret_cast<const char*>(text) : "NULL";
    }
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return value;
  }

  TableCatalog catalog_;
  std::string path_;
};

TEST_F(SqliteStoreTest, UsesWalModeAndStrictClusteredTables) {
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::open({.path = path_});
  ASSERT_TRUE(store.is_ok()) << store.status().to_string();
  MYSTOCKS_ASSERT_OK((*store)->ensure_table(bars()));
  MYSTOCKS_ASSERT_OK((*store)->upsert(
      "bars", make_batch(bars(), {}, {{"600519.SH", 19723, 1850000, 1, nullptr, nullptr}})));
  EXPECT_EQ(raw_scalar("PRAGMA journal_mode"), "wal");
  EXPECT_TRUE(std::filesystem::exists(path_ + "-wal"));
  const std::string ddl = raw_scalar("SELECT sql FROM sqlite_master WHERE name = 'bars'");
  EXPECT_NE(ddl.find("STRICT, WITHOUT ROWID"), std::string::npos) << ddl;
  EXPECT_EQ(raw_scalar("SELECT close FROM bars"), "1850000");  // decimal(3) as integer units
  EXPECT_EQ(raw_scalar("SELECT version FROM mystocks_schema_version WHERE table_name = 'bars'"),
            "1");
  EXPECT_NE(raw_scalar("SELECT definition FROM mystocks_schema_version WHERE table_name = 'bars'")
                .find("column close decimal(3) not_null"),
            std::string::npos);
  EXPECT_EQ((*store)->describe(), "sqlite " + path_ + " (WAL, synchronous=normal)");
  MYSTOCKS_EXPECT_OK((*store)->check_health());
}

TEST_F(SqliteStoreTest, DoesNotAdoptATableItDidNotCreate) {
  {
    Result<std::unique_ptr<SqliteStore>> store = SqliteStore::open({.path = path_});
    ASSERT_TRUE(store.is_ok());
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE bars (x)", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::open({.path = path_});
  ASSERT_TRUE(store.is_ok());
  const Status status = (*store)->ensure_table(bars());
  EXPECT_EQ(status.code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(status.message().find("table 'bars' already exists in " + path_ +
                                  " but has no schema-version record"),
            std::string::npos)
      << status.message();
}

TEST_F(SqliteStoreTest, OpenReportsBadPathsAndOptions) {
  Result<std::unique_ptr<SqliteStore>> missing_dir =
      SqliteStore::open({.path = (scratch_dir() / "no/such/dir/x.sqlite").string()});
  EXPECT_EQ(missing_dir.status().code(), ErrorCode::kIoError);
  EXPECT_NE(missing_dir.status().message().find("no/such/dir/x.sqlite"), std::string::npos);
  EXPECT_EQ(SqliteStore::open({.path = ""}).status().field(), "sqlite.path");
  EXPECT_EQ(SqliteStore::open({.path = path_, .synchronous = "off"}).status().field(),
            "sqlite.synchronous");
}

TEST_F(SqliteStoreTest, WritingThroughTheStoreInsideItsOwnTransactionIsRefused) {
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::open({.path = path_});
  ASSERT_TRUE(store.is_ok());
  MYSTOCKS_ASSERT_OK((*store)->ensure_table(bars()));
  const RecordBatch batch = make_batch(bars(), {}, {{"600519.SH", 1, 1, 1, nullptr, nullptr}});
  const Status status = (*store)->transaction([&](RelationalOps&) {
    return (*store)->upsert("bars", batch);  // would wait for its own writer lock
  });
  EXPECT_EQ(status.code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(status.message().find("use the RelationalOps passed to the body"), std::string::npos);
  EXPECT_EQ(*(*store)->count("bars", {}), 0);
}

TEST_F(SqliteStoreTest, SchemaRecordSurvivesAndRefusesDowngradeAcrossProcessesOfTheFile) {
  Result<std::unique_ptr<SqliteStore>> first = SqliteStore::open({.path = path_});
  ASSERT_TRUE(first.is_ok());
  MYSTOCKS_ASSERT_OK((*first)->ensure_table(bars()));
  first->reset();
  TableSchema changed = bars();
  changed.columns[3].field.type = ColumnType::kDouble;  // volume int64 -> double
  changed.finalize();
  Result<std::unique_ptr<SqliteStore>> second = SqliteStore::open({.path = path_});
  ASSERT_TRUE(second.is_ok());
  const Status status = (*second)->ensure_table(changed);
  EXPECT_EQ(status.code(), ErrorCode::kSchemaMismatch);
  EXPECT_NE(status.message().find(path_ + ": table 'bars'"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("column 'volume' changed type from int64 to double"),
            std::string::npos);
}

}  // namespace
}  // namespace mystocks::storage::test
