// Tag-matched tombstones: a delete or replace restricted to tag values (frequency = 5m of a
// minute-bar table) removes only the series with those values, and the other series (the 1m
// bars of the same symbols) stay intact in the memtable, after a flush rewrites segments, after
// compaction, after WAL recovery, and in the series catalog's counts. Also the WAL layout of the
// tagged record types and that untagged records keep the original bytes.
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "storage/tsdb/wal_record.h"
#include "support/assert_status.h"
#include "unit/storage/tsdb/tsdb_test_util.h"

namespace mystocks::tsdb::test {
namespace {

constexpr int64_t kMinute = 60'000;
constexpr const char* kMoutai = "600519.SH";
constexpr const char* kPingAn = "000001.SZ";

// ts, symbol (tag), frequency (tag), close: the shape of minute_kline.
storage::TableSchema bar_schema() {
  storage::TableSchema schema;
  schema.name = "bar";
  schema.classification = storage::DataClassification::kMinuteKline;
  schema.time_column = "ts";
  schema.columns.push_back({Field{"ts", ColumnType::kTimestamp, 0, false}, false, ""});
  schema.columns.push_back({Field{"symbol", ColumnType::kString, 0, false}, true, ""});
  schema.columns.push_back({Field{"frequency", ColumnType::kString, 0, false}, true, ""});
  schema.columns.push_back({Field{"close", ColumnType::kInt64, 0, false}, false, ""});
  schema.unique_key = {"symbol", "frequency", "ts"};
  schema.finalize();
  return schema;
}

struct Bar {
  std::string symbol;
  std::string frequency;
  int64_t ts = 0;
  int64_t close = 0;
  friend bool operator==(const Bar&, const Bar&) = default;
  friend auto operator<=>(const Bar& a, const Bar& b) {
    return std::tie(a.symbol, a.frequency, a.ts) <=> std::tie(b.symbol, b.frequency, b.ts);
  }
};

RecordBatch bar_batch(const std::vector<Bar>& bars) {
  RecordBatchBuilder builder(bar_schema().schema());
  for (const Bar& bar : bars) {
    builder.append_int64(0, bar.ts);
    builder.append_string(1, bar.symbol);
    builder.append_string(2, bar.frequency);
    builder.append_int64(3, bar.close);
  }
  Result<RecordBatch> batch = builder.finish();
  EXPECT_TRUE(batch.is_ok()) << batch.status().to_string();
  return std::move(*batch);
}

// `count` bars of `symbol`/`frequency` on `day`, `step` minutes apart from the open.
std::vector<Bar> bars(const std::string& symbol, const std::string& frequency, int day, int count,
                      int step, int64_t close) {
  std::vector<Bar> out;
  for (int index = 0; index < count; ++index) {
    out.push_back({symbol, frequency, kDay0Open + day * kDay + index * step * kMinute, close});
  }
  return out;
}

storage::TimeRange day_span(int day) {
  const int64_t midnight = kDay0Open - (9 * 60 + 30) * kMinute + day * kDay;
  return {midnight, midnight + kDay};
}

class StoreTagDeleteTest : public ::testing::Test {
 protected:
  void SetUp() override { reopen(); }

  void reopen() {
    store_.reset();
    store_ = fixture_.open(fixture_.options());
    ASSERT_NE(store_, nullptr);
    MYSTOCKS_ASSERT_OK(store_->create_table(bar_schema()));
  }

  // Two symbols x (1m, 5m) x three days, close 100; what a test expects is `model_`.
  void write_bars() {
    for (const char* symbol : {kMoutai, kPingAn}) {
      for (int day = 0; day < 3; ++day) {
        std::vector<Bar> rows = bars(symbol, "1m", day, 20, 1, 100);
        for (const Bar& bar : bars(symbol, "5m", day, 4, 5, 100)) rows.push_back(bar);
        MYSTOCKS_ASSERT_OK(store_->write("bar", bar_batch(rows)));
        model_.insert(model_.end(), rows.begin(), rows.end());
      }
    }
  }

  void forget(const std::string& symbol, const std::string& frequency, storage::TimeRange range) {
    std::erase_if(model_, [&](const Bar& bar) {
      return bar.symbol == symbol && bar.frequency == frequency && bar.ts >= range.start &&
             bar.ts < range.end;
    });
  }

  std::vector<Bar> stored() {
    Result<RecordBatch> batch = store_->scan("bar", {});
    EXPECT_TRUE(batch.is_ok()) << batch.status().to_string();
    std::vector<Bar> out;
    if (!batch.is_ok()) return out;
    for (size_t row = 0; row < batch->num_rows(); ++row) {
      out.push_back({batch->column(1).as<std::string>()[row],
                     batch->column(2).as<std::string>()[row], batch->column(0).as<int64_t>()[row],
                     batch->column(3).as<int64_t>()[row]});
    }
    return out;
  }

  void expect_model(const std::string& when) {
    std::vector<Bar> expected = model_;
    std::sort(expected.begin(), expected.end());
    std::vector<Bar> actual = stored();
    std::sort(actual.begin(), actual.end());
    ASSERT_EQ(actual.size(), expected.size()) << when;
    EXPECT_TRUE(actual == expected) << when;
    // The series catalog (inventory) counts the same rows per series.
    Result<std::vector<storage::SeriesSummary>> summaries = store_->summarize_series("bar", {});
    ASSERT_TRUE(summaries.is_ok()) << summaries.status().to_string();
    std::map<std::vector<std::string>, int64_t> counted;
    for (const Bar& bar : expected) ++counted[{bar.symbol, bar.frequency}];
    std::map<std::vector<std::string>, int64_t> summarized;
    for (const storage::SeriesSummary& summary : *summaries)
      summarized[summary.tags] = summary.rows;
    EXPECT_EQ(summarized, counted) << when;
  }

  StoreFixture fixture_;
  std::unique_ptr<TsdbStore> store_;
  std::vector<Bar> model_;
};

TEST_F(StoreTagDeleteTest, DeleteOfOneFrequencyKeepsTheOtherThroughEveryLayer) {
  write_bars();
  MYSTOCKS_ASSERT_OK(store_->flush());  // days 0-2 in segments
  expect_model("before");               // builds the catalog, so the delete below updates it
  // Day 1 of 5m bars of Moutai goes; its 1m bars, Ping An's 5m bars and other days stay.
  Result<int64_t> removed =
      store_->delete_range("bar", {kMoutai}, {{"frequency", "5m"}}, day_span(1));
  ASSERT_TRUE(removed.is_ok()) << removed.status().to_string();
  EXPECT_EQ(*removed, 4);
  forget(kMoutai, "5m", day_span(1));
  expect_model("tombstone in the memtable over segments");
  // More rows in the memtable, then a delete of every symbol's 5m bars of day 2 in memory.
  std::vector<Bar> late = bars(kPingAn, "5m", 2, 2, 5, 300);
  for (Bar& bar : late) bar.ts += 30 * kMinute;
  MYSTOCKS_ASSERT_OK(store_->write("bar", bar_batch(late)));
  model_.insert(model_.end(), late.begin(), late.end());
  removed = store_->delete_range("bar", {}, {{"frequency", "5m"}}, day_span(2));
  ASSERT_TRUE(removed.is_ok()) << removed.status().to_string();
  EXPECT_EQ(*removed, 4 + 4 + 2);
  forget(kMoutai, "5m", day_span(2));
  forget(kPingAn, "5m", day_span(2));
  expect_model("tombstone over memtable rows");
  reopen();  // recovery replays the tagged delete records from the WAL
  expect_model("after recovery");
  MYSTOCKS_ASSERT_OK(store_->flush());  // the tombstones rewrite the segments
  expect_model("after the flush");
  MYSTOCKS_ASSERT_OK(store_->compact());
  expect_model("after compaction");
  reopen();
  expect_model("after a clean reopen");
}

TEST_F(StoreTagDeleteTest, ReplaceOfFiveMinuteBarsKeepsTheOneMinuteBars) {
  write_bars();
  MYSTOCKS_ASSERT_OK(store_->flush());
  const std::vector<Bar> corrected = bars(kMoutai, "5m", 1, 3, 5, 777);
  Result<int64_t> removed = store_->replace_range("bar", {kMoutai}, {{"frequency", "5m"}},
                                                  day_span(1), bar_batch(corrected));
  ASSERT_TRUE(removed.is_ok()) << removed.status().to_string();
  EXPECT_EQ(*removed, 4);
  forget(kMoutai, "5m", day_span(1));
  model_.insert(model_.end(), corrected.begin(), corrected.end());
  expect_model("replaced in memory");
  reopen();
  expect_model("replaced after recovery");
  MYSTOCKS_ASSERT_OK(store_->flush());
  MYSTOCKS_ASSERT_OK(store_->compact());
  expect_model("replaced after flush and compaction");
}

TEST_F(StoreTagDeleteTest, ReplaceRefusesRowsOfAnotherTagValueOrAnUnknownTag) {
  write_bars();
  Result<int64_t> other =
      store_->replace_range("bar", {kMoutai}, {{"frequency", "5m"}}, day_span(1),
                            bar_batch(bars(kMoutai, "1m", 1, 1, 1, 5)));
  EXPECT_EQ(other.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(other.status().field(), "rows[0]");
  EXPECT_NE(other.status().message().find("frequency = '5m'"), std::string::npos)
      << other.status().message();
  Result<int64_t> unknown = store_->delete_range("bar", {}, {{"interval", "5m"}}, day_span(1));
  EXPECT_EQ(unknown.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(unknown.status().field(), "interval");
  expect_model("nothing changed");
}

TEST(TaggedWalRecordTest, UntaggedDeletesKeepTheOriginalLayoutAndTaggedOnesRoundTrip) {
  const DeleteRequest plain{"bar", {kMoutai}, {10, 20}, {}};
  std::string plain_bytes;
  encode_delete_record(plain, plain_bytes);
  EXPECT_EQ(delete_record_type(plain), WalRecordType::kDelete);
  EXPECT_EQ(replace_record_type(plain), WalRecordType::kReplace);
  MYSTOCKS_ASSERT_OK(decode_delete_record(plain_bytes).status());

  const DeleteRequest tagged{"bar", {kMoutai}, {10, 20}, {{1, "5m"}}};
  std::string tagged_bytes;
  encode_delete_record(tagged, tagged_bytes);
  EXPECT_EQ(delete_record_type(tagged), WalRecordType::kDeleteTagged);
  EXPECT_EQ(replace_record_type(tagged), WalRecordType::kReplaceTagged);
  EXPECT_EQ(tagged_bytes.substr(0, plain_bytes.size()), plain_bytes);  // a suffix, nothing else
  Result<DeleteRequest> decoded = decode_delete_record(tagged_bytes, true);
  ASSERT_TRUE(decoded.is_ok()) << decoded.status().to_string();
  EXPECT_EQ(decoded->tag_equals, tagged.tag_equals);
  EXPECT_EQ(decoded->symbols, tagged.symbols);
  // Read with the wrong layout, or cut short, it is damage, never a silently wider delete.
  EXPECT_EQ(decode_delete_record(tagged_bytes, false).status().code(), ErrorCode::kDataLoss);
  EXPECT_EQ(decode_delete_record(plain_bytes, true).status().code(), ErrorCode::kDataLoss);
  for (size_t cut = plain_bytes.size(); cut < tagged_bytes.size(); ++cut) {
    EXPECT_EQ(decode_delete_record(tagged_bytes.substr(0, cut), true).status().code(),
              ErrorCode::kDataLoss)
        << "cut at " << cut;
  }
  EXPECT_TRUE(is_wal_record_type(static_cast<uint8_t>(WalRecordType::kDeleteTagged)));
  EXPECT_TRUE(is_wal_record_type(static_cast<uint8_t>(WalRecordType::kReplaceTagged)));
  EXPECT_FALSE(is_wal_record_type(6));
  EXPECT_FALSE(is_wal_record_type(0));
}

}  // namespace
}  // namespace mystocks::tsdb::test
