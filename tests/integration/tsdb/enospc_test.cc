// A full disk, for real: the store lives on a small tmpfs (mounted here; the test needs root and
// is skipped with the reason otherwise) that a filler file nearly fills. Writes go on until the
// store refuses one (a flush, or with big memtables the WAL append, hits ENOSPC); health then
// fails. Once the filler is removed, the background retry makes the store healthy and writable
// again without a restart, and after a reopen every acknowledged row is there.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "crash_ops.h"
#include "storage/tsdb/tsdb_store.h"
#include "support/assert_status.h"
#include "support/deadline.h"
#include "support/temp_dir.h"

namespace mystocks::tsdb::crash {
namespace {

using std::chrono::milliseconds;

// Batch `index`: 200 rows, timestamps of its own (nothing overwritten), values that do not
// compress (so the disk fills after a few hundred batches).
Write batch_rows(int64_t index) {
  Write write;
  uint64_t noise = static_cast<uint64_t>(index) * 0x9E3779B97F4A7C15ULL + 1;
  for (int row = 0; row < 200; ++row) {
    noise ^= noise << 13;
    noise ^= noise >> 7;
    noise ^= noise << 17;
    write.symbols.push_back(kSymbols[static_cast<size_t>(row % 4)]);
    write.frequencies.push_back(kFrequencies[static_cast<size_t>(row / 4 % 2)]);
    write.ts.push_back(kBase + (index * 200 + row) * 1000 + static_cast<int64_t>(noise % 1000));
    write.rows.push_back(Row{static_cast<int64_t>(noise >> 20), static_cast<int64_t>(noise >> 4)});
  }
  return write;
}

// Fills the disk with `memtable_bytes` memtables, frees it, and checks the recovery.
void fill_free_and_verify(const std::filesystem::path& mount, int64_t memtable_bytes) {
  TsdbOptions options;
  options.dir = mount / "tsdb";
  options.sync.mode = SyncPolicy::Mode::kNone;
  options.metrics = nullptr;
  options.memtable_bytes = memtable_bytes;
  options.background_retry_initial_ms = 20;
  options.background_retry_max_ms = 200;
  Model acknowledged;
  {
    Result<std::unique_ptr<TsdbStore>> store = TsdbStore::open(options);
    MYSTOCKS_ASSERT_OK(store.status());
    MYSTOCKS_ASSERT_OK((*store)->create_table(table_schema()));
    {
      std::ofstream filler(mount / "filler", std::ios::binary);
      filler << std::string((3 << 20) + (512 << 10), 'f');  // leaves about 512 KiB
    }
    int64_t index = 0;
    Status refused;
    for (; index < 3000 && refused.is_ok(); ++index) {
      const Write write = batch_rows(index);
      refused = (*store)->write("crash", batch_of(write));
      if (refused.is_ok()) add(acknowledged, write);
    }
    ASSERT_FALSE(refused.is_ok()) << "the disk never filled after " << index << " batches";
    EXPECT_TRUE(refused.code() == ErrorCode::kIoError || refused.code() == ErrorCode::kResourceExhausted)
        << refused.to_string();
    // The failure is visible to readiness (it may take the background thread a moment).
    EXPECT_TRUE(mystocks::test::poll_until(milliseconds(5000), [&] {
      return !(*store)->check_health().is_ok();
    }, milliseconds(10)));

    std::filesystem::remove(mount / "filler");
    ASSERT_TRUE(mystocks::test::poll_until(milliseconds(10'000), [&] {
      return (*store)->check_health().is_ok();
    }, milliseconds(10))) << (*store)->check_health().to_string();
    const Write after = batch_rows(index + 1);
    MYSTOCKS_ASSERT_OK((*store)->write("crash", batch_of(after)));
    add(acknowledged, after);
    MYSTOCKS_ASSERT_OK((*store)->flush());
  }
  options.background_work = false;
  Result<std::unique_ptr<TsdbStore>> reopened = TsdbStore::open(options);
  MYSTOCKS_ASSERT_OK(reopened.status());
  Result<RecordBatch> batch = (*reopened)->scan("crash", {});
  MYSTOCKS_ASSERT_OK(batch.status());
  const Model found = model_of(*batch);
  EXPECT_EQ(found.size(), acknowledged.size());
  EXPECT_TRUE(found == acknowledged);
}

class EnospcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<mystocks::test::TempDir> dir = mystocks::test::TempDir::create("tsdb-enospc-");
    MYSTOCKS_ASSERT_OK(dir.status());
    dir_.emplace(std::move(*dir));
    mount_ = dir_->path() / "disk";
    std::filesystem::create_directories(mount_);
    const std::string command = "mount -t tmpfs -o size=4m tmpfs '" + mount_.string() + "' 2>/dev/null";
    if (std::system(command.c_str()) != 0) {
      GTEST_SKIP() << "cannot mount a tmpfs at " << mount_ << " (needs root): ENOSPC not tested here";
    }
    mounted_ = true;
  }
  void TearDown() override {
    if (mounted_) (void)std::system(("umount '" + mount_.string() + "'").c_str());
  }

  std::optional<mystocks::test::TempDir> dir_;
  std::filesystem::path mount_;
  bool mounted_ = false;
};

TEST_F(EnospcTest, AFailedFlushIsRetriedUntilSpaceReturnsAndNothingAcknowledgedIsLost) {
  fill_free_and_verify(mount_, 64 << 10);  // small memtables: a flush meets the full disk
}

TEST_F(EnospcTest, AFailedWalAppendIsCutOffAndTheLogRestartsOnceSpaceReturns) {
  // Memtables larger than the disk: the WAL append meets the full disk first. The restart cuts
  // the partial record, so the reopen (which replays both WAL files) finds no damage.
  fill_free_and_verify(mount_, 64 << 20);
}

}  // namespace
}  // namespace mystocks::tsdb::crash
