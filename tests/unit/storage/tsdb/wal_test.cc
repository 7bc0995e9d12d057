// WAL: records round-trip; every truncation point ends the scan at the last intact record and
// reports the torn tail; a flipped byte before valid records is DATA_LOSS naming the offset (and
// salvage skips exactly that record); garbage cannot make a scan hang; group commit acknowledges
// concurrent writers.
#include "storage/tsdb/wal.h"

#include <chrono>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "fuzz/tsdb_fuzz_entries.h"
#include "support/assert_status.h"
#include "support/fuzz_findings.h"
#include "tsdb_test_util.h"

namespace mystocks::tsdb::test {
namespace {

std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::vector<std::string> payloads() {
  return {"first", std::string(1000, 'x'), "", "fourth record", std::string(70'000, 'y')};
}

TEST(WalTest, RecordsComeBackInOrderAndEveryTruncationIsATornTail) {
  mystocks::test::TempDir dir = make_temp_dir();
  std::vector<uint64_t> ends;
  {
    Wal wal(dir.path(), SyncPolicy{SyncPolicy::Mode::kAlways, 0}, nullptr);
    MYSTOCKS_ASSERT_OK(wal.start_file(7));
    for (const std::string& payload : payloads()) {
      Result<uint64_t> position = wal.append(WalRecordType::kWrite, payload);
      ASSERT_TRUE(position.is_ok());
      MYSTOCKS_ASSERT_OK(wal.wait_durable(*position));
      ends.push_back(*position);  // positions count from the header of file 7
    }
  }
  const std::filesystem::path path = wal_file_path(dir.path(), 7);
  const std::string bytes = read_bytes(path);
  ASSERT_EQ(bytes.size(), ends.back());
  for (size_t cut = 0; cut <= bytes.size(); cut += (cut < 200 ? 1 : 997)) {
    std::vector<std::string> seen;
    Result<WalFileScan> scan = scan_wal_bytes(path, std::string_view(bytes).substr(0, cut),
                                              [&](WalRecordType, std::string_view payload) {
                                                seen.emplace_back(payload);
                                                return Status::ok();
                                              });
    ASSERT_TRUE(scan.is_ok()) << cut;
    const size_t complete = static_cast<size_t>(std::upper_bound(ends.begin(), ends.end(), cut) - ends.begin());
    EXPECT_EQ(seen.size(), complete) << cut;
    const bool at_boundary = cut == kWalHeaderBytes ||
                             std::find(ends.begin(), ends.end(), cut) != ends.end() || cut == 0;
    EXPECT_EQ(scan->torn, !at_boundary) << cut;
    for (size_t index = 0; index < seen.size(); ++index) EXPECT_EQ(seen[index], payloads()[index]);
  }
}

TEST(WalTest, AFlippedByteBeforeValidRecordsIsDataLossAndSalvageSkipsOnlyThatRecord) {
  mystocks::test::TempDir dir = make_temp_dir();
  {
    Wal wal(dir.path(), SyncPolicy{SyncPolicy::Mode::kNone, 0}, nullptr);
    MYSTOCKS_ASSERT_OK(wal.start_file(1));
    for (const std::string& payload : payloads()) ASSERT_TRUE(wal.append(WalRecordType::kDelete, payload).is_ok());
  }
  const std::filesystem::path path = wal_file_path(dir.path(), 1);
  const std::string bytes = read_bytes(path);
  const size_t second_record = kWalHeaderBytes + kWalRecordHeaderBytes + 5;
  const size_t third_record = second_record + kWalRecordHeaderBytes + 1000;
  for (size_t position = second_record; position < third_record; position += 7) {
    std::string corrupt = bytes;
    corrupt[position] = static_cast<char>(corrupt[position] ^ 0x10);
    Result<WalFileScan> strict = scan_wal_bytes(path, corrupt, [](WalRecordType, std::string_view) {
      return Status::ok();
    });
    ASSERT_EQ(strict.status().code(), ErrorCode::kDataLoss) << position;
    EXPECT_NE(strict.status().message().find("offset " + std::to_string(second_record)),
              std::string::npos) << strict.status().message();
    EXPECT_NE(strict.status().message().find(path.string()), std::string::npos);

    std::vector<std::string> seen;
    Result<WalFileScan> salvaged = scan_wal_bytes(path, corrupt, [&](WalRecordType, std::string_view payload) {
      seen.emplace_back(payload);
      return Status::ok();
    }, WalScanMode::kSalvage);
    ASSERT_TRUE(salvaged.is_ok()) << position;
    std::vector<std::string> expected = payloads();
    expected.erase(expected.begin() + 1);
    EXPECT_EQ(seen, expected) << position;
    ASSERT_EQ(salvaged->dropped.size(), 1u);
    EXPECT_EQ(salvaged->dropped[0].offset, second_record);
    EXPECT_EQ(salvaged->dropped[0].length, third_record - second_record);
    EXPECT_FALSE(salvaged->torn);
  }
  // Damage in the last record is a torn tail: nothing valid follows it.
  std::string tail = bytes;
  tail[tail.size() - 3] = static_cast<char>(tail[tail.size() - 3] ^ 0x10);
  Result<WalFileScan> torn = scan_wal_bytes(path, tail, [](WalRecordType, std::string_view) { return Status::ok(); });
  ASSERT_TRUE(torn.is_ok());
  EXPECT_TRUE(torn->torn);
  EXPECT_EQ(torn->records, payloads().size() - 1);
  std::string foreign = bytes;
  foreign[0] = 'X';
  EXPECT_EQ(scan_wal_bytes(path, foreign, [](WalRecordType, std::string_view) { return Status::ok(); })
                .status()
                .code(),
            ErrorCode::kDataLoss);
}

// Every record type counts as "a valid record follows": damage before replace records (a range
// swapped atomically) is data loss, never a torn tail that would drop acknowledged replaces.
TEST(WalTest, DamageBeforeReplaceRecordsIsDataLossAndSalvageKeepsThem) {
  mystocks::test::TempDir dir = make_temp_dir();
  const std::vector<std::pair<WalRecordType, std::string>> records = {
      {WalRecordType::kWrite, "first"},
      {WalRecordType::kWrite, std::string(300, 'x')},
      {WalRecordType::kReplace, "replaced range"},
      {WalRecordType::kReplace, std::string(500, 'z')}};
  {
    Wal wal(dir.path(), SyncPolicy{SyncPolicy::Mode::kNone, 0}, nullptr);
    MYSTOCKS_ASSERT_OK(wal.start_file(1));
    for (const auto& [type, payload] : records) ASSERT_TRUE(wal.append(type, payload).is_ok());
  }
  const std::filesystem::path path = wal_file_path(dir.path(), 1);
  std::string corrupt = read_bytes(path);
  const size_t second_record = kWalHeaderBytes + kWalRecordHeaderBytes + 5;
  corrupt[second_record + kWalRecordHeaderBytes + 10] ^= 0x10;

  Result<WalFileScan> strict = scan_wal_bytes(path, corrupt, [](WalRecordType, std::string_view) {
    return Status::ok();
  });
  ASSERT_EQ(strict.status().code(), ErrorCode::kDataLoss) << strict.status().message();

  std::vector<std::pair<WalRecordType, std::string>> seen;
  Result<WalFileScan> salvaged = scan_wal_bytes(
      path, corrupt,
      [&](WalRecordType type, std::string_view payload) {
        seen.emplace_back(type, std::string(payload));
        return Status::ok();
      },
      WalScanMode::kSalvage);
  ASSERT_TRUE(salvaged.is_ok()) << salvaged.status().message();
  std::vector<std::pair<WalRecordType, std::string>> expected = records;
  expected.erase(expected.begin() + 1);
  EXPECT_EQ(seen, expected);
  EXPECT_FALSE(salvaged->torn);
}

TEST(WalTest, GarbageAfterDamageCannotMakeTheScanHangAndIsRefusedNotGuessed) {
  mystocks::test::TempDir dir = make_temp_dir();
  // Every byte 0x01: each offset looks like a write record announcing 16 MiB, within the file.
  std::string bytes(kWalMagic);
  bytes.append(8, '\0');
  bytes.append(size_t{48} << 20, '\x01');
  const auto started = std::chrono::steady_clock::now();
  Result<WalFileScan> scan = scan_wal_bytes(dir.path() / "x.wal", bytes,
                                            [](WalRecordType, std::string_view) { return Status::ok(); });
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(30));
  ASSERT_EQ(scan.status().code(), ErrorCode::kDataLoss);
  EXPECT_NE(scan.status().message().find("too garbled"), std::string::npos) << scan.status().message();
}

TEST(WalTest, GroupCommitAcknowledgesConcurrentWritersWithSharedFsyncs) {
  mystocks::test::TempDir dir = make_temp_dir();
  MetricsRegistry metrics;
  Wal wal(dir.path(), SyncPolicy{SyncPolicy::Mode::kGroup, 2}, &metrics);
  MYSTOCKS_ASSERT_OK(wal.start_file(1));
  std::mutex append_mutex;  // the store's write mutex
  std::vector<std::thread> writers;
  for (int writer = 0; writer < 4; ++writer) {
    writers.emplace_back([&] {
      for (int record = 0; record < 25; ++record) {
        wal.writer_arriving();
        uint64_t position = 0;
        {
          std::lock_guard lock(append_mutex);
          Result<uint64_t> appended = wal.append(WalRecordType::kWrite, "payload");
          ASSERT_TRUE(appended.is_ok());
          position = *appended;
        }
        wal.writer_arrived();
        MYSTOCKS_ASSERT_OK(wal.wait_durable(position));
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  const double syncs = metrics.counter("tsdb_wal_syncs_total", "").get().value();
  EXPECT_GE(syncs, 1);
  EXPECT_LE(syncs, 100);
}

TEST(SyncPolicyTest, ParsesTheThreeFormsAndRejectsOthers) {
  EXPECT_EQ(parse_sync_policy("always")->mode, SyncPolicy::Mode::kAlways);
  EXPECT_EQ(parse_sync_policy("none")->mode, SyncPolicy::Mode::kNone);
  Result<SyncPolicy> group = parse_sync_policy("group:10");
  ASSERT_TRUE(group.is_ok());
  EXPECT_EQ(group->window_ms, 10);
  EXPECT_EQ(group->to_string(), "group:10");
  for (const char* bad : {"group", "group:", "group:-1", "group:x", "sometimes", "group:60001"}) {
    Result<SyncPolicy> policy = parse_sync_policy(bad);
    ASSERT_FALSE(policy.is_ok()) << bad;
    EXPECT_EQ(policy.status().field(), "tsdb.sync");
  }
}

// Record payloads the fuzzer found triggering undefined behaviour in the decoders (a zero-row
// double column: memcpy from a null pointer), replayed through the fuzz target's own entry
// (every record decoder, the raw and the checksummed WAL scan) under ASan+UBSan; they decode or
// fail cleanly (tests/golden/fuzz/tsdb_wal).
TEST(WalRecordTest, FuzzFindingsDecodeWithoutUndefinedBehaviour) {
  const auto findings = mystocks::test::fuzz_findings("tsdb_wal");
  ASSERT_FALSE(findings.empty());
  for (const auto& [name, payload] : findings) {
    SCOPED_TRACE(name);
    fuzz::wal_input(payload);
  }
}

TEST(WalRecordTest, ZeroRowDoubleColumnDecodes) {
  // table "t", 0 rows, 1 column "d": kDouble, scale 0, no validity, no values
  const std::string payload("\x01" "t" "\x00\x01\x01" "d" "\x03\x00\x00", 9);
  Result<DecodedWrite> decoded = decode_write_record(payload);
  ASSERT_TRUE(decoded.is_ok()) << decoded.status().to_string();
  EXPECT_EQ(decoded->table, "t");
}

}  // namespace
}  // namespace mystocks::tsdb::test
