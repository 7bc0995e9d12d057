// TsdbStore::replace_range: the range of the given symbols is swapped for the new rows, rows
// outside it stay; the swap is one WAL record, so a crash (store dropped unflushed) keeps the new
// rows whole, a record torn by a crash keeps the old rows whole, and concurrent readers see one
// version or the other, never a gap or a mix.
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <thread>

#include <gtest/gtest.h>

#include "storage/tsdb/wal_record.h"
#include "support/assert_status.h"
#include "unit/storage/tsdb/tsdb_test_util.h"

namespace mystocks::tsdb::test {
namespace {

constexpr int64_t kMinute = 60'000;
const storage::TimeRange kDay1{kDay0Open - 2 * 3'600'000 + kDay, kDay0Open + 22 * 3'600'000 + kDay};

// `count` rows of `symbol` on day `day`, one a minute from the open, at `price`.
std::vector<QuoteRow> minutes(const std::string& symbol, int day, int count, int64_t price,
                              int first_minute = 0) {
  std::vector<QuoteRow> rows;
  for (int minute = first_minute; minute < first_minute + count; ++minute) {
    rows.push_back({symbol, kDay0Open + day * kDay + minute * kMinute, price, 100});
  }
  return rows;
}

std::vector<QuoteRow> scan_rows(TsdbStore& store, storage::ScanQuery query = {}) {
  Result<RecordBatch> batch = store.scan("quote", query);
  EXPECT_TRUE(batch.is_ok()) << batch.status().to_string();
  return batch.is_ok() ? quote_rows(*batch) : std::vector<QuoteRow>{};
}

// symbol -> day offset -> price of every row that day (sorted by ts).
std::map<std::string, std::map<int64_t, std::vector<int64_t>>> by_day(
    const std::vector<QuoteRow>& rows) {
  std::map<std::string, std::map<int64_t, std::vector<int64_t>>> out;
  for (const QuoteRow& row : rows)
    out[row.symbol][(row.ts - kDay0Open) / kDay].push_back(row.price);
  return out;
}

class StoreReplaceTest : public ::testing::Test {
 protected:
  void SetUp() override { reopen(fixture_.options()); }

  void reopen(const TsdbOptions& options) {
    store_.reset();
    store_ = fixture_.open(options);
    ASSERT_NE(store_, nullptr);
    MYSTOCKS_ASSERT_OK(store_->create_table(quote_schema()));
  }

  // Three days of A and B at price 1000; A's day 1 is what the tests replace.
  void write_old_rows() {
    std::vector<QuoteRow> rows;
    for (const char* symbol : {"600519.SH", "000001.SZ"}) {
      for (int day = 0; day < 3; ++day) {
        for (QuoteRow& row : minutes(symbol, day, 5, 1000)) rows.push_back(row);
      }
    }
    MYSTOCKS_ASSERT_OK(store_->write("quote", quote_batch(rows)));
  }

  // A's day 1 is now three rows at price 2000: minutes 0 and 1 corrected, minute 9 new; minutes
  // 2-4 are gone at the source.
  static std::vector<QuoteRow> new_rows() {
    std::vector<QuoteRow> rows = minutes("600519.SH", 1, 2, 2000);
    rows.push_back(minutes("600519.SH", 1, 1, 2000, 9).front());
    return rows;
  }

  void expect_replaced() {
    auto days = by_day(scan_rows(*store_));
    EXPECT_EQ(days["600519.SH"][0], std::vector<int64_t>(5, 1000));
    EXPECT_EQ(days["600519.SH"][1], std::vector<int64_t>(3, 2000));
    EXPECT_EQ(days["600519.SH"][2], std::vector<int64_t>(5, 1000));
    for (int64_t day = 0; day < 3; ++day) {
      EXPECT_EQ(days["000001.SZ"][day], std::vector<int64_t>(5, 1000)) << "day " << day;
    }
    std::vector<QuoteRow> day1 = scan_rows(*store_, {.symbols = {"600519.SH"}, .range = kDay1});
    ASSERT_EQ(day1.size(), 3u);
    EXPECT_EQ(day1[2].ts, kDay0Open + kDay + 9 * kMinute);
  }

  StoreFixture fixture_;
  std::unique_ptr<TsdbStore> store_;
};

TEST_F(StoreReplaceTest, SwapsTheRangeOfTheSymbolsAndLeavesEverythingElse) {
  write_old_rows();
  Result<int64_t> removed =
      store_->replace_range("quote", {"600519"}, {}, kDay1, quote_batch(new_rows()));
  ASSERT_TRUE(removed.is_ok()) << removed.status().to_string();
  EXPECT_EQ(*removed, 5);
  expect_replaced();
  MYSTOCKS_ASSERT_OK(store_->flush());  // the tombstone now rewrites the old segment
  expect_replaced();
  reopen(fixture_.options());
  expect_replaced();
}

TEST_F(StoreReplaceTest, ReplacingRowsAlreadyInSegmentsKeepsTheNewOnesAfterCompaction) {
  write_old_rows();
  MYSTOCKS_ASSERT_OK(store_->flush());
  ASSERT_TRUE(
      store_->replace_range("quote", {"600519.SH"}, {}, kDay1, quote_batch(new_rows())).is_ok());
  MYSTOCKS_ASSERT_OK(store_->compact());
  expect_replaced();
}

TEST_F(StoreReplaceTest, AnEmptyBatchDeletesTheRange) {
  write_old_rows();
  Result<int64_t> removed =
      store_->replace_range("quote", {"600519.SH"}, {}, kDay1, quote_batch({}));
  ASSERT_TRUE(removed.is_ok()) << removed.status().to_string();
  EXPECT_EQ(*removed, 5);
  EXPECT_TRUE(scan_rows(*store_, {.symbols = {"600519.SH"}, .range = kDay1}).empty());
  EXPECT_EQ(scan_rows(*store_).size(), 25u);
}

TEST_F(StoreReplaceTest, RowsOutsideTheRangeOrSymbolsAreRefusedAndNothingChanges) {
  write_old_rows();
  const std::vector<QuoteRow> before = scan_rows(*store_);
  std::vector<QuoteRow> late = new_rows();
  late.push_back(minutes("600519.SH", 2, 1, 2000, 30).front());  // day 2: outside
  Result<int64_t> outside =
      store_->replace_range("quote", {"600519.SH"}, {}, kDay1, quote_batch(late));
  EXPECT_EQ(outside.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(outside.status().field(), "rows[3]");
  std::vector<QuoteRow> other = new_rows();
  other.push_back(minutes("000001.SZ", 1, 1, 2000, 30).front());  // symbol not replaced
  EXPECT_EQ(
      store_->replace_range("quote", {"600519.SH"}, {}, kDay1, quote_batch(other)).status().code(),
      ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->replace_range("quote", {}, {}, {kDay1.end, kDay1.start}, quote_batch({}))
                .status()
                .field(),
            "range");
  EXPECT_EQ(scan_rows(*store_), before);
}

TEST_F(StoreReplaceTest, ACrashAfterTheReplaceKeepsTheNewRowsWhole) {
  TsdbOptions options = fixture_.options();
  options.flush_on_close = false;
  reopen(options);
  write_old_rows();
  MYSTOCKS_ASSERT_OK(store_->flush());  // old rows in segments, the replace only in the WAL
  ASSERT_TRUE(
      store_->replace_range("quote", {"600519.SH"}, {}, kDay1, quote_batch(new_rows())).is_ok());
  reopen(options);  // dropped unflushed, like kill -9
  EXPECT_GE(store_->recovery_report().records, 1u);
  expect_replaced();
}

TEST_F(StoreReplaceTest, AReplaceRecordTornByACrashLeavesTheOldRowsWhole) {
  TsdbOptions options = fixture_.options();
  options.flush_on_close = false;
  reopen(options);
  write_old_rows();
  MYSTOCKS_ASSERT_OK(store_->flush());
  const std::vector<QuoteRow> before = scan_rows(*store_);
  std::map<std::filesystem::path, uintmax_t> sizes;
  for (const auto& entry : std::filesystem::directory_iterator(options.dir / "wal")) {
    sizes[entry.path()] = entry.file_size();
  }
  ASSERT_TRUE(
      store_->replace_range("quote", {"600519.SH"}, {}, kDay1, quote_batch(new_rows())).is_ok());
  store_.reset();
  // The crash cut the replace record in half: the tombstone's bytes made it, the batch's did not.
  std::filesystem::path grown;
  for (const auto& entry : std::filesystem::directory_iterator(options.dir / "wal")) {
    if (sizes.count(entry.path()) > 0 && entry.file_size() > sizes[entry.path()])
      grown = entry.path();
  }
  ASSERT_FALSE(grown.empty()) << "no WAL file holds the replace record";
  const uintmax_t record_start = sizes[grown];
  std::filesystem::resize_file(
      grown, record_start + (std::filesystem::file_size(grown) - record_start) / 2);
  store_ = fixture_.open(options);
  ASSERT_NE(store_, nullptr);
  ASSERT_EQ(store_->recovery_report().torn_tails.size(), 1u);
  EXPECT_EQ(store_->recovery_report().torn_tails[0].offset, record_start);
  EXPECT_EQ(scan_rows(*store_), before);
}

TEST_F(StoreReplaceTest, ReadersSeeTheOldRowsOrTheNewOnesNeverAGapOrAMix) {
  TsdbOptions options = fixture_.options();
  options.memtable_bytes = 16 << 10;  // flushes (tombstones reaching segments) during the run
  reopen(options);
  constexpr int kRows = 50;
  MYSTOCKS_ASSERT_OK(store_->write("quote", quote_batch(minutes("600519.SH", 1, kRows, 1))));
  std::atomic<bool> done{false};
  std::atomic<int> bad_reads{0};
  std::atomic<int> reads{0};
  std::thread reader([&] {
    while (!done.load()) {
      Result<RecordBatch> batch = store_->scan("quote", {.symbols = {"600519.SH"}, .range = kDay1});
      if (!batch.is_ok()) {
        ++bad_reads;
        continue;
      }
      const std::vector<QuoteRow> rows = quote_rows(*batch);
      const bool whole = rows.size() == static_cast<size_t>(kRows) &&
                         std::all_of(rows.begin(), rows.end(), [&](const QuoteRow& row) {
                           return row.price == rows[0].price;
                         });
      if (!whole) ++bad_reads;
      ++reads;
    }
  });
  for (int64_t version = 2; version <= 200; ++version) {
    Result<int64_t> removed = store_->replace_range(
        "quote", {"600519.SH"}, {}, kDay1, quote_batch(minutes("600519.SH", 1, kRows, version)));
    const bool replaced = removed.is_ok() && *removed == kRows;
    EXPECT_TRUE(replaced) << "version " << version << ": "
                          << (removed.is_ok() ? std::to_string(*removed) + " rows removed"
                                              : removed.status().to_string());
    if (!replaced) break;  // the reader still has to be joined
  }
  done = true;
  reader.join();
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(bad_reads.load(), 0);
  std::vector<QuoteRow> last = scan_rows(*store_, {.symbols = {"600519.SH"}});
  ASSERT_EQ(last.size(), static_cast<size_t>(kRows));
  EXPECT_EQ(last.front().price, 200);
}

TEST(WalReplaceRecordTest, RoundTripsAndRefusesDamage) {
  const TableInfo info = *TableInfo::make(quote_schema());
  const RecordBatch batch = quote_batch(minutes("600519.SH", 1, 3, 7));
  Result<ValidatedBatch> validated = validate_batch(info, batch);
  ASSERT_TRUE(validated.is_ok()) << validated.status().to_string();
  const DeleteRequest request{"quote", {"600519.SH"}, kDay1};
  std::string payload;
  encode_replace_record(request, *validated, payload);
  Result<DecodedReplace> decoded = decode_replace_record(payload);
  ASSERT_TRUE(decoded.is_ok()) << decoded.status().to_string();
  EXPECT_EQ(decoded->erase.symbols, request.symbols);
  EXPECT_EQ(decoded->erase.range.start, kDay1.start);
  EXPECT_EQ(decoded->erase.range.end, kDay1.end);
  EXPECT_EQ(decoded->write.table, "quote");
  EXPECT_EQ(decoded->write.batch.num_rows(), 3u);
  for (size_t cut = 0; cut < payload.size(); cut += 7) {
    EXPECT_EQ(decode_replace_record(payload.substr(0, cut)).status().code(), ErrorCode::kDataLoss)
        << "cut at " << cut;
  }
  EXPECT_TRUE(is_wal_record_type(static_cast<uint8_t>(WalRecordType::kReplace)));
  EXPECT_FALSE(is_wal_record_type(0));
  EXPECT_FALSE(is_wal_record_type(6));  // 4 and 5 are the tagged delete and replace
}

}  // namespace
}  // namespace mystocks::tsdb::test
