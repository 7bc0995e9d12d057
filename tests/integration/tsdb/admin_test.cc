// `mystocks admin tsdb-check` and `tsdb-stats` run as the real binary against a real store:
// a clean store checks OK (exit 0), a flipped byte in a segment is reported naming the file
// (exit 1), and stats print each table's rows and ratio.
#include <gtest/gtest.h>

#include <fstream>

#include "crash_ops.h"
#include "storage/tsdb/tsdb_store.h"
#include "support/assert_status.h"
#include "support/child_process.h"
#include "support/temp_dir.h"

namespace mystocks::tsdb::crash {
namespace {

using std::chrono::milliseconds;

class AdminTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<mystocks::test::TempDir> dir = mystocks::test::TempDir::create("tsdb-admin-");
    MYSTOCKS_ASSERT_OK(dir.status());
    dir_.emplace(std::move(*dir));
    TsdbOptions options;
    options.dir = dir_->path() / "data" / "tsdb";
    options.metrics = nullptr;
    Result<std::unique_ptr<TsdbStore>> store = TsdbStore::open(options);
    MYSTOCKS_ASSERT_OK(store.status());
    MYSTOCKS_ASSERT_OK((*store)->create_table(table_schema()));
    for (int64_t index = 0; index < 40; ++index) {
      if (!is_delete(index)) MYSTOCKS_ASSERT_OK((*store)->write("crash", batch_of(write_of(index))));
    }
  }

  mystocks::test::CommandOutput admin(std::vector<std::string> args) {
    args.insert(args.begin(), {MYSTOCKS_BINARY, "admin"});
    Result<mystocks::test::CommandOutput> ran = mystocks::test::run_command({.argv = args}, milliseconds(60'000));
    EXPECT_TRUE(ran.is_ok()) << ran.status().to_string();
    return ran.is_ok() ? *ran : mystocks::test::CommandOutput{};
  }

  std::optional<mystocks::test::TempDir> dir_;
};

TEST_F(AdminTest, CheckPassesOnACleanStoreAndNamesACorruptSegment) {
  mystocks::test::CommandOutput clean = admin({"tsdb-check", "--data-dir", (dir_->path() / "data").string()});
  EXPECT_EQ(clean.exit_code, 0) << clean.output;
  EXPECT_NE(clean.output.find("OK: every checksum verified"), std::string::npos) << clean.output;

  std::filesystem::path segment;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_->path() / "data" / "tsdb" / "data")) {
    if (entry.path().extension() == ".seg") segment = entry.path();
  }
  ASSERT_FALSE(segment.empty());
  {
    std::fstream file(segment, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(30);
    const char byte = static_cast<char>(file.peek());
    file.seekp(30);
    file.put(static_cast<char>(byte ^ 0x40));
  }
  mystocks::test::CommandOutput corrupt = admin({"tsdb-check", "--dir", (dir_->path() / "data" / "tsdb").string()});
  EXPECT_EQ(corrupt.exit_code, 1) << corrupt.output;
  EXPECT_NE(corrupt.output.find("CORRUPT"), std::string::npos) << corrupt.output;
  EXPECT_NE(corrupt.output.find(segment.string()), std::string::npos) << corrupt.output;
}

TEST_F(AdminTest, StatsPrintRowsAndRatioPerTable) {
  mystocks::test::CommandOutput stats =
      admin({"tsdb-stats", "--dir", (dir_->path() / "data" / "tsdb").string(), "--columns"});
  EXPECT_EQ(stats.exit_code, 0) << stats.output;
  EXPECT_NE(stats.output.find("crash"), std::string::npos) << stats.output;
  EXPECT_NE(stats.output.find("price"), std::string::npos) << stats.output;
  EXPECT_EQ(admin({"tsdb-frobnicate"}).exit_code, 2);
  EXPECT_EQ(admin({"tsdb-check", "--dir", (dir_->path() / "nowhere").string()}).exit_code, 1);
}

}  // namespace
}  // namespace mystocks::tsdb::crash
