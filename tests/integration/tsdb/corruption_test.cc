// The tsdb corruption matrix (docs/reliability.md): bit flips and truncations of the MANIFEST,
// of a WAL record in the middle and at the tail, of a segment's body and footer, each with its
// documented outcome: DATA_LOSS naming the file (and, for the WAL, the offset) with nothing
// deleted, a torn tail dropped only when it is the last record, readiness naming a damaged
// segment while other data stays queryable, and an explicit salvage that keeps every readable
// record. Never a crash, never a silent loss.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <fstream>

#include "crash_ops.h"
#include "storage/tsdb/store_check.h"
#include "storage/tsdb/tsdb_store.h"
#include "support/assert_status.h"
#include "support/temp_dir.h"

namespace mystocks::tsdb::crash {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

void flip(const std::filesystem::path& path, size_t offset) {
  std::string bytes = read_file(path);
  ASSERT_LT(offset, bytes.size()) << path;
  bytes[offset] = static_cast<char>(bytes[offset] ^ 0x20);
  write_file(path, bytes);
}

// `count` rows per symbol on trading day `day` (0 = 2024-01-02), prices tagged with `tag`.
Write day_rows(int day, int count, int64_t tag) {
  Write write;
  for (int row = 0; row < count; ++row) {
    for (size_t symbol = 0; symbol < kSymbols.size(); ++symbol) {
      write.symbols.push_back(kSymbols[symbol]);
      write.frequencies.push_back(kFrequencies[0]);
      write.ts.push_back(kBase + day * 86'400'000LL + row * 3000LL);
      write.rows.push_back(Row{tag * 1000 + row, static_cast<int64_t>(symbol)});
    }
  }
  return write;
}

class CorruptionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<mystocks::test::TempDir> dir = mystocks::test::TempDir::create("tsdb-corrupt-");
    MYSTOCKS_ASSERT_OK(dir.status());
    dir_.emplace(std::move(*dir));
  }

  TsdbOptions options() const {
    TsdbOptions options;
    options.dir = dir_->path() / "tsdb";
    options.sync.mode = SyncPolicy::Mode::kNone;
    options.metrics = nullptr;
    options.background_work = false;
    options.flush_on_close = false;  // leave the WAL in place, as a crash would
    return options;
  }

  Result<std::unique_ptr<TsdbStore>> open(TsdbOptions options) { return TsdbStore::open(std::move(options)); }

  // A store whose newest WAL file holds one record per write in `writes` (nothing flushed).
  void make_wal(const std::vector<Write>& writes) {
    Result<std::unique_ptr<TsdbStore>> store = open(options());
    MYSTOCKS_ASSERT_OK(store.status());
    MYSTOCKS_ASSERT_OK((*store)->create_table(table_schema()));
    for (const Write& write : writes) MYSTOCKS_ASSERT_OK((*store)->write("crash", batch_of(write)));
  }

  // A store with one flushed segment per day in `days`.
  void make_segments(const std::vector<int>& days) {
    TsdbOptions flushing = options();
    flushing.flush_on_close = true;
    Result<std::unique_ptr<TsdbStore>> store = open(flushing);
    MYSTOCKS_ASSERT_OK(store.status());
    MYSTOCKS_ASSERT_OK((*store)->create_table(table_schema()));
    for (int day : days) {
      MYSTOCKS_ASSERT_OK((*store)->write("crash", batch_of(day_rows(day, 50, day))));
      add(model_, day_rows(day, 50, day));
    }
    MYSTOCKS_ASSERT_OK((*store)->flush());
  }

  std::filesystem::path newest_wal() const {
    std::filesystem::path newest;
    for (const auto& entry : std::filesystem::directory_iterator(dir_->path() / "tsdb" / "wal")) {
      if (newest.empty() || entry.path() > newest) newest = entry.path();
    }
    return newest;
  }

  std::vector<std::filesystem::path> segments() const {
    std::vector<std::filesystem::path> found;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_->path() / "tsdb" / "data")) {
      if (entry.path().extension() == ".seg") found.push_back(entry.path());
    }
    std::sort(found.begin(), found.end());
    return found;
  }

  static Model contents(TsdbStore& store, storage::ScanQuery query = {}) {
    Result<RecordBatch> batch = store.scan("crash", query);
    EXPECT_TRUE(batch.is_ok()) << batch.status().to_string();
    return batch.is_ok() ? model_of(*batch) : Model{};
  }

  std::optional<mystocks::test::TempDir> dir_;
  Model model_;
};

// Offsets of the records of a WAL file (the header is 16 bytes, a record header 9).
std::vector<size_t> record_offsets(const std::string& bytes) {
  std::vector<size_t> offsets;
  for (size_t offset = kWalHeaderBytes; offset + kWalRecordHeaderBytes <= bytes.size();) {
    offsets.push_back(offset);
    uint32_t length = 0;
    std::memcpy(&length, bytes.data() + offset, 4);
    offset += kWalRecordHeaderBytes + length;
  }
  return offsets;
}

TEST_F(CorruptionTest, ManifestBitFlipOrTruncationIsDataLossNamingTheFile) {
  make_segments({0});
  const std::filesystem::path manifest = dir_->path() / "tsdb" / "MANIFEST";
  const std::string original = read_file(manifest);
  for (size_t cut : {size_t{0}, original.size() / 2, original.size() - 1}) {
    write_file(manifest, original.substr(0, cut));
    Result<std::unique_ptr<TsdbStore>> store = open(options());
    ASSERT_EQ(store.status().code(), ErrorCode::kDataLoss) << cut;
    EXPECT_NE(store.status().message().find(manifest.string()), std::string::npos);
  }
  for (size_t offset : {size_t{3}, original.size() / 2, original.size() - 1}) {
    std::string flipped = original;
    flipped[offset] = static_cast<char>(flipped[offset] ^ 0x01);
    write_file(manifest, flipped);
    Result<std::unique_ptr<TsdbStore>> store = open(options());
    ASSERT_EQ(store.status().code(), ErrorCode::kDataLoss) << offset;
    EXPECT_NE(store.status().message().find(manifest.string()), std::string::npos);
  }
  write_file(manifest, original);  // the failed opens removed nothing
  Result<std::unique_ptr<TsdbStore>> store = open(options());
  MYSTOCKS_ASSERT_OK(store.status());
  EXPECT_EQ(contents(**store), model_);
}

TEST_F(CorruptionTest, WalMiddleBitFlipRefusesToOpenDeletesNothingAndRepairKeepsTheRest) {
  const std::vector<Write> writes = {day_rows(0, 5, 1), day_rows(0, 5, 2), day_rows(1, 5, 3)};
  make_wal(writes);
  const std::filesystem::path wal = newest_wal();
  const std::string original = read_file(wal);
  const std::vector<size_t> offsets = record_offsets(original);
  ASSERT_EQ(offsets.size(), 3u);
  flip(wal, offsets[1] + kWalRecordHeaderBytes + 10);  // the second record's payload
  const std::string damaged = read_file(wal);

  Result<std::unique_ptr<TsdbStore>> refused = open(options());
  ASSERT_EQ(refused.status().code(), ErrorCode::kDataLoss);
  EXPECT_NE(refused.status().message().find(wal.string()), std::string::npos);
  EXPECT_NE(refused.status().message().find("offset " + std::to_string(offsets[1])), std::string::npos)
      << refused.status().message();
  EXPECT_NE(refused.status().message().find("tsdb-repair"), std::string::npos);
  EXPECT_EQ(read_file(wal), damaged);  // nothing truncated, nothing deleted

  Result<CheckReport> check = check_store(dir_->path() / "tsdb");
  MYSTOCKS_ASSERT_OK(check.status());
  ASSERT_FALSE(check->ok());
  EXPECT_NE(check->errors.front().find(wal.string()), std::string::npos);

  TsdbOptions salvage = options();
  salvage.salvage_wal = true;
  {
    Result<std::unique_ptr<TsdbStore>> repaired = open(salvage);
    MYSTOCKS_ASSERT_OK(repaired.status());
    const RecoveryReport& report = (*repaired)->recovery_report();
    ASSERT_EQ(report.salvaged.size(), 1u);
    EXPECT_EQ(report.salvaged[0].file, wal.string());
    EXPECT_EQ(report.salvaged[0].offset, offsets[1]);
    EXPECT_EQ(report.salvaged[0].length, offsets[2] - offsets[1]);
    ASSERT_EQ(report.quarantined.size(), 1u);
    EXPECT_EQ(read_file(report.quarantined[0]), damaged);  // the original is kept
  }
  Result<std::unique_ptr<TsdbStore>> store = open(options());
  MYSTOCKS_ASSERT_OK(store.status());
  Model expected;
  add(expected, writes[0]);
  add(expected, writes[2]);
  EXPECT_EQ(contents(**store), expected);
  Result<CheckReport> after = check_store(dir_->path() / "tsdb");
  MYSTOCKS_ASSERT_OK(after.status());
  EXPECT_TRUE(after->ok());
}

TEST_F(CorruptionTest, WalDamagedRecordHeaderBeforeValidRecordsIsDataLoss) {
  make_wal({day_rows(0, 5, 1), day_rows(0, 5, 2), day_rows(0, 5, 3)});
  const std::filesystem::path wal = newest_wal();
  const std::vector<size_t> offsets = record_offsets(read_file(wal));
  flip(wal, offsets[0] + 2);  // the first record's length: announces far too many bytes
  Result<std::unique_ptr<TsdbStore>> refused = open(options());
  ASSERT_EQ(refused.status().code(), ErrorCode::kDataLoss);
  EXPECT_NE(refused.status().message().find("offset " + std::to_string(offsets[0])), std::string::npos)
      << refused.status().message();
}

TEST_F(CorruptionTest, WalTailBitFlipOrTruncationIsATornTailDroppedAlone) {
  const std::vector<Write> writes = {day_rows(0, 5, 1), day_rows(0, 5, 2), day_rows(0, 5, 3)};
  Model expected;
  add(expected, writes[0]);
  add(expected, writes[1]);
  make_wal(writes);
  const std::filesystem::path wal = newest_wal();
  const std::string original = read_file(wal);
  const std::vector<size_t> offsets = record_offsets(original);
  const std::filesystem::path backup = dir_->path() / "wal.copy";
  write_file(backup, original);
  // A flipped byte in the last record, or the file cut inside it: the last record goes.
  for (size_t damage : {size_t{0}, size_t{1}}) {
    write_file(wal, read_file(backup));
    if (damage == 0) flip(wal, offsets[2] + kWalRecordHeaderBytes + 3);
    else write_file(wal, original.substr(0, offsets[2] + 20));
    Result<CheckReport> check = check_store(dir_->path() / "tsdb");
    MYSTOCKS_ASSERT_OK(check.status());
    EXPECT_TRUE(check->ok()) << check->errors.front();
    EXPECT_FALSE(check->warnings.empty());
    TsdbOptions read_only = options();
    read_only.read_only = true;  // replays in memory only, so the next round sees the same file
    Result<std::unique_ptr<TsdbStore>> store = open(read_only);
    MYSTOCKS_ASSERT_OK(store.status());
    ASSERT_EQ((*store)->recovery_report().torn_tails.size(), 1u);
    EXPECT_EQ((*store)->recovery_report().torn_tails[0].offset, offsets[2]);
    EXPECT_EQ(contents(**store), expected) << damage;
  }
}

TEST_F(CorruptionTest, DamagedEndOfAnOlderWalFileIsDataLoss) {
  make_wal({day_rows(0, 5, 1), day_rows(0, 5, 2)});
  const std::filesystem::path older = newest_wal();
  const std::string bytes = read_file(older);
  const std::vector<size_t> offsets = record_offsets(bytes);
  // A newer WAL file with valid records, and the older one ending inside its second record:
  // the older file was whole when the newer one started, so this is damage, not a torn tail.
  const std::filesystem::path newer =
      wal_file_path(older.parent_path(), parse_wal_file_name(older.filename().string()) + 1);
  write_file(newer, bytes);
  write_file(older, bytes.substr(0, offsets[1] + 15));
  Result<std::unique_ptr<TsdbStore>> refused = open(options());
  ASSERT_EQ(refused.status().code(), ErrorCode::kDataLoss) << refused.status().to_string();
  EXPECT_NE(refused.status().message().find(older.string()), std::string::npos);
  EXPECT_EQ(read_file(older).size(), offsets[1] + 15);  // not truncated
  EXPECT_TRUE(std::filesystem::exists(newer));
  Result<CheckReport> check = check_store(dir_->path() / "tsdb");
  MYSTOCKS_ASSERT_OK(check.status());
  ASSERT_FALSE(check->ok());
  EXPECT_NE(check->errors.front().find(older.string()), std::string::npos);
}

TEST_F(CorruptionTest, SegmentBodyBitFlipIsFoundByTheScrubAndOnlyItsQueriesFail) {
  make_segments({0, 1});
  const std::vector<std::filesystem::path> files = segments();
  ASSERT_EQ(files.size(), 2u);
  flip(files[0], kSegmentHeaderBytes + 40);  // inside day 0's first chunk
  Result<std::unique_ptr<TsdbStore>> store = open(options());
  MYSTOCKS_ASSERT_OK(store.status());  // the footer and index are intact
  EXPECT_TRUE((*store)->damaged_segments().empty());
  EXPECT_EQ((*store)->scrub(), 2u);
  ASSERT_EQ((*store)->damaged_segments().size(), 1u);
  EXPECT_NE((*store)->damaged_segments()[0].find(files[0].string()), std::string::npos);
  Status health = (*store)->check_health();
  EXPECT_EQ(health.code(), ErrorCode::kDataLoss);
  EXPECT_NE(health.message().find(files[0].string()), std::string::npos);

  Result<RecordBatch> touching = (*store)->scan("crash", {});
  ASSERT_EQ(touching.status().code(), ErrorCode::kDataLoss);
  EXPECT_NE(touching.status().message().find(files[0].string()), std::string::npos);
  const storage::TimeRange day1{kBase + 86'400'000LL - 3'600'000, kBase + 2 * 86'400'000LL};
  Model expected_day1;
  add(expected_day1, day_rows(1, 50, 1));
  EXPECT_EQ(contents(**store, {.range = day1}), expected_day1);
  Result<CheckReport> check = check_store(dir_->path() / "tsdb");
  MYSTOCKS_ASSERT_OK(check.status());
  ASSERT_EQ(check->errors.size(), 1u);
  EXPECT_NE(check->errors[0].find(files[0].string()), std::string::npos);
}

// Compaction copies a chunk that only one input holds without decoding it; its checksums are
// still verified, so a damaged chunk fails the compaction and is never rewritten into a new
// file with a valid checksum (which would hide the damage from every later scrub).
TEST_F(CorruptionTest, CompactionRefusesToCopyADamagedSingleInputChunk) {
  {
    TsdbOptions flushing = options();
    flushing.flush_on_close = true;
    Result<std::unique_ptr<TsdbStore>> store = open(flushing);
    MYSTOCKS_ASSERT_OK(store.status());
    MYSTOCKS_ASSERT_OK((*store)->create_table(table_schema()));
    // Day 0 in two segments with different symbols: every series is in exactly one input.
    for (size_t half = 0; half < 2; ++half) {
      Write write = day_rows(0, 50, 1);
      Write part;
      for (size_t row = 0; row < write.ts.size(); ++row) {
        if ((write.symbols[row] < kSymbols[2]) == (half == 0)) continue;
        part.symbols.push_back(write.symbols[row]);
        part.frequencies.push_back(write.frequencies[row]);
        part.ts.push_back(write.ts[row]);
        part.rows.push_back(write.rows[row]);
      }
      MYSTOCKS_ASSERT_OK((*store)->write("crash", batch_of(part)));
      MYSTOCKS_ASSERT_OK((*store)->flush());
    }
  }
  const std::vector<std::filesystem::path> files = segments();
  ASSERT_EQ(files.size(), 2u);
  flip(files[0], kSegmentHeaderBytes + 40);  // inside the first chunk
  Result<std::unique_ptr<TsdbStore>> store = open(options());
  MYSTOCKS_ASSERT_OK(store.status());
  Status compacted = (*store)->compact();
  EXPECT_EQ(compacted.code(), ErrorCode::kDataLoss) << compacted.to_string();
  EXPECT_NE(compacted.message().find(files[0].string()), std::string::npos)
      << compacted.to_string();
  EXPECT_EQ(segments(), files) << "no compacted file replaced the damaged one";
  ASSERT_EQ((*store)->damaged_segments().size(), 1u);
  Result<CheckReport> check = check_store(dir_->path() / "tsdb");
  MYSTOCKS_ASSERT_OK(check.status());
  EXPECT_EQ(check->errors.size(), 1u) << "the damage stays visible";
}

TEST_F(CorruptionTest, SegmentFooterFlipOrTruncationFailsReadinessAtOpen) {
  make_segments({0, 1});
  const std::vector<std::filesystem::path> files = segments();
  ASSERT_EQ(files.size(), 2u);
  const std::string original = read_file(files[1]);
  const storage::TimeRange day0{kBase - 3'600'000, kBase + 86'400'000LL - 3'600'000};
  Model expected_day0;
  add(expected_day0, day_rows(0, 50, 0));
  for (int damage = 0; damage < 3; ++damage) {
    SCOPED_TRACE(damage);
    write_file(files[1], original);
    if (damage == 0) flip(files[1], original.size() - 10);          // footer
    if (damage == 1) flip(files[1], original.size() - kSegmentFooterBytes - 5);  // index block
    if (damage == 2) write_file(files[1], original.substr(0, original.size() / 2));
    Result<std::unique_ptr<TsdbStore>> store = open(options());
    MYSTOCKS_ASSERT_OK(store.status());
    ASSERT_EQ((*store)->recovery_report().damaged_segments.size(), 1u);
    Status health = (*store)->check_health();
    EXPECT_EQ(health.code(), ErrorCode::kDataLoss);
    EXPECT_NE(health.message().find(files[1].string()), std::string::npos) << health.message();
    Result<RecordBatch> touching = (*store)->scan("crash", {});
    ASSERT_EQ(touching.status().code(), ErrorCode::kDataLoss);
    EXPECT_NE(touching.status().message().find(files[1].string()), std::string::npos);
    EXPECT_EQ(contents(**store, {.range = day0}), expected_day0);
  }
}

TEST_F(CorruptionTest, WalTruncatedAtEveryRecordBoundaryOrInsideOneLosesNothingAcknowledged) {
  const std::vector<Write> writes = {day_rows(0, 3, 1), day_rows(0, 3, 2), day_rows(0, 3, 3)};
  make_wal(writes);
  const std::filesystem::path wal = newest_wal();
  const std::string original = read_file(wal);
  const std::vector<size_t> offsets = record_offsets(original);
  for (size_t cut = 0; cut <= original.size(); cut += 7) {
    write_file(wal, original.substr(0, cut));
    TsdbOptions read_only = options();
    read_only.read_only = true;
    Result<std::unique_ptr<TsdbStore>> store = open(read_only);
    MYSTOCKS_ASSERT_OK(store.status());
    Model expected;
    for (size_t record = 0; record < writes.size(); ++record) {
      const size_t end = record + 1 < offsets.size() ? offsets[record + 1] : original.size();
      if (end <= cut) add(expected, writes[record]);
    }
    EXPECT_EQ(contents(**store), expected) << cut;
  }
}

}  // namespace
}  // namespace mystocks::tsdb::crash
