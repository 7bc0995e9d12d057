// TsdbStore behaviour, one property per test: round trips, validation, duplicates, order, limit,
// reopen and WAL replay, deletes, retention, latest, stats, corruption and torn tails.
#include <gtest/gtest.h>

#include <fstream>
#include <limits>

#include "storage/tsdb/manifest.h"
#include "support/assert_status.h"
#include "support/deadline.h"
#include "tsdb_test_util.h"

namespace mystocks::tsdb::test {
namespace {

using storage::ScanQuery;
using storage::SortOrder;

std::vector<QuoteRow> sample_rows() {
  return {
      {"600519.SH", kDay0Open, 1'700'000, 100, 0.5, 3, false, "a"},
      {"600519.SH", kDay0Open + 3000, 1'700'010, 300, std::nullopt, std::nullopt, std::nullopt,
       std::nullopt},
      {"000001.SZ", kDay0Open, 10'500, 1000, -1.25, 7, true, "b"},
      {"000001.SZ", kDay0Open + 3000, 10'510, 1500, 2.0, 9, false, "b"},
  };
}

std::vector<QuoteRow> sorted(std::vector<QuoteRow> rows) {
  std::sort(rows.begin(), rows.end());
  return rows;
}

std::vector<QuoteRow> scan_all(TsdbStore& store, ScanQuery query = {}) {
  Result<RecordBatch> batch = store.scan("quote", query);
  EXPECT_TRUE(batch.is_ok()) << batch.status().to_string();
  return batch.is_ok() ? quote_rows(*batch) : std::vector<QuoteRow>{};
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = fixture_.open();
    ASSERT_NE(store_, nullptr);
    MYSTOCKS_ASSERT_OK(store_->create_table(quote_schema()));
  }
  StoreFixture fixture_;
  std::unique_ptr<TsdbStore> store_;
};

TEST_F(StoreTest, WrittenRowsComeBackOrderedBySymbolThenTime) {
  MYSTOCKS_ASSERT_OK(store_->write("quote", quote_batch(sample_rows())));
  EXPECT_EQ(scan_all(*store_), sorted(sample_rows()));
  MYSTOCKS_ASSERT_OK(store_->flush());
  EXPECT_EQ(scan_all(*store_), sorted(sample_rows()));
}

TEST_F(StoreTest, CreateTableIsIdempotentAndRejectsIncompatibleChanges) {
  MYSTOCKS_EXPECT_OK(store_->create_table(quote_schema()));
  storage::TableSchema changed = quote_schema();
  changed.columns[2].field.scale = 2;
  Status status = store_->create_table(changed);
  EXPECT_EQ(status.code(), ErrorCode::kSchemaMismatch);
  EXPECT_EQ(status.field(), "price");
  storage::TableSchema dropped = quote_schema();
  dropped.columns.pop_back();
  EXPECT_EQ(store_->create_table(dropped).code(), ErrorCode::kSchemaMismatch);
}

TEST_F(StoreTest, AddedNullableColumnReadsAsNullForOldRows) {
  MYSTOCKS_ASSERT_OK(store_->write("quote", quote_batch(sample_rows())));
  storage::TableSchema extended = quote_schema();
  extended.columns.push_back({Field{"venue", ColumnType::kString, 0, true}, false, ""});
  extended.finalize();
  MYSTOCKS_ASSERT_OK(store_->create_table(extended));
  Result<RecordBatch> batch = store_->scan("quote", {.columns = {"symbol", "ts", "venue"}});
  ASSERT_TRUE(batch.is_ok()) << batch.status().to_string();
  ASSERT_EQ(batch->num_rows(), 4u);
  EXPECT_TRUE(batch->column(2).is_null(0));
}

TEST_F(StoreTest, ProjectionFollowsTheRequestedColumns) {
  MYSTOCKS_ASSERT_OK(store_->write("quote", quote_batch(sample_rows())));
  Result<RecordBatch> batch = store_->scan("quote", {.columns = {"volume", "symbol"}});
  ASSERT_TRUE(batch.is_ok()) << batch.status().to_string();
  ASSERT_EQ(batch->num_columns(), 2u);
  EXPECT_EQ(batch->schema().field(0).name, "volume");
  EXPECT_EQ(batch->column(0).as<int64_t>(), (std::vector<int64_t>{1000, 1500, 100, 300}));
  EXPECT_EQ(store_->scan("quote", {.columns = {"nope"}}).status().field(), "nope");
}

struct BadBatch {
  const char* name;
  RecordBatch batch;
  ErrorCode code;
  const char* field;
  const char* message_part;
};

TEST_F(StoreTest, BadInputIsRejectedNamingColumnAndRowAndWritesNothing) {
  auto with = [](auto mutate) {
    std::vector<QuoteRow> rows = sample_rows();
    mutate(rows);
    return quote_batch(rows);
  };
  auto schema_of = [](std::vector<Field> fields, std::vector<Column> columns) {
    Result<RecordBatch> batch =
        RecordBatch::make(std::make_shared<const Schema>(std::move(fields)), std::move(columns));
    EXPECT_TRUE(batch.is_ok()) << batch.status().to_string();
    return std::move(*batch);
  };
  const std::vector<BadBatch> cases = {
      {"NaN", with([](auto& rows) { rows[2].ratio = std::nan(""); }), ErrorCode::kInvalidArgument,
       "ratio", "row 2"},
      {"infinity", with([](auto& rows) { rows[3].ratio = std::numeric_limits<double>::infinity(); }),
       ErrorCode::kInvalidArgument, "ratio", "row 3"},
      {"bad symbol", with([](auto& rows) { rows[1].symbol = "ABC"; }), ErrorCode::kInvalidSymbol,
       "symbol", "row 1"},
      {"non-canonical", with([](auto& rows) { rows[3].symbol = "sh600000"; }),
       ErrorCode::kInvalidSymbol, "symbol", "write '600000.SH'"},
      {"old timestamp", with([](auto& rows) { rows[0].ts = 5; }), ErrorCode::kInvalidTimestamp, "ts",
       "row 0"},
      {"unknown column",
       schema_of({{"ts", ColumnType::kTimestamp}, {"symbol", ColumnType::kString}, {"price", ColumnType::kDecimal, 3},
                  {"volume", ColumnType::kInt64}, {"colour", ColumnType::kInt64}},
                 {Column(std::vector<int64_t>{kDay0Open}), Column(std::vector<std::string>{"600519.SH"}),
                  Column(std::vector<int64_t>{1}), Column(std::vector<int64_t>{1}),
                  Column(std::vector<int64_t>{1})}),
       ErrorCode::kSchemaMismatch, "colour", "has no column 'colour'"},
      {"wrong type",
       schema_of({{"ts", ColumnType::kTimestamp}, {"symbol", ColumnType::kString}, {"price", ColumnType::kDouble},
                  {"volume", ColumnType::kInt64}},
                 {Column(std::vector<int64_t>{kDay0Open}), Column(std::vector<std::string>{"600519.SH"}),
                  Column(std::vector<double>{1.5}), Column(std::vector<int64_t>{1})}),
       ErrorCode::kSchemaMismatch, "price", "declared decimal(3)"},
      {"missing column",
       schema_of({{"ts", ColumnType::kTimestamp}, {"symbol", ColumnType::kString}, {"price", ColumnType::kDecimal, 3}},
                 {Column(std::vector<int64_t>{kDay0Open}), Column(std::vector<std::string>{"600519.SH"}),
                  Column(std::vector<int64_t>{1})}),
       ErrorCode::kSchemaMismatch, "volume", "not nullable"},
      {"null in non-nullable",
       schema_of({{"ts", ColumnType::kTimestamp}, {"symbol", ColumnType::kString}, {"price", ColumnType::kDecimal, 3},
                  {"volume", ColumnType::kInt64, 0, true}},
                 {Column(std::vector<int64_t>{kDay0Open, kDay0Open + 1}),
                  Column(std::vector<std::string>{"600519.SH", "600519.SH"}),
                  Column(std::vector<int64_t>{1, 2}), Column(std::vector<int64_t>{1, 0}, {1, 0})}),
       ErrorCode::kSchemaMismatch, "volume", "row 1"},
  };
  for (const BadBatch& bad : cases) {
    Status status = store_->write("quote", bad.batch);
    EXPECT_EQ(status.code(), bad.code) << bad.name << ": " << status.to_string();
    EXPECT_EQ(status.field(), bad.field) << bad.name;
    EXPECT_NE(status.message().find(bad.message_part), std::string::npos)
        << bad.name << ": " << status.message();
  }
  EXPECT_TRUE(scan_all(*store_).empty());
  Status unknown = store_->write("nope", quote_batch(sample_rows()));
  EXPECT_EQ(unknown.code(), ErrorCode::kNotFound);
  EXPECT_NE(unknown.message().find("'nope'"), std::string::npos);
}

TEST_F(StoreTest, DuplicatesKeepTheLastWriteInBatchAcrossBatchesAndAcrossFlushes) {
  std::vector<QuoteRow> rows = {{"600519.SH", kDay0Open, 1, 1}, {"600519.SH", kDay0Open, 2, 2}};
  MYSTOCKS_ASSERT_OK(store_->write("quote", quote_batch(rows)));
  EXPECT_EQ(scan_all(*store_), (std::vector<QuoteRow>{rows[1]}));
  MYSTOCKS_ASSERT_OK(store_->flush());
  const QuoteRow third{"600519.SH", kDay0Open, 3, 3, 1.5};
  MYSTOCKS_ASSERT_OK(store_->write("quote", quote_batch({third})));
  EXPECT_EQ(scan_all(*store_), (std::vector<QuoteRow>{third}));
  MYSTOCKS_ASSERT_OK(store_->flush());
  EXPECT_EQ(scan_all(*store_), (std::vector<QuoteRow>{third}));
  MYSTOCKS_ASSERT_OK(store_->compact());
  EXPECT_EQ(scan_all(*store_), (std::vector<QuoteRow>{third}));
}

TEST_F(StoreTest, OutOfOrderWritesAreSortedAndDescendingOrderLimitOffsetWork) {
  std::vector<QuoteRow> rows;
  for (int index : {5, 1, 4, 0, 3, 2}) {
    rows.push_back({"600519.SH", kDay0Open + index * 3000, 1000 + index, index});
  }
  MYSTOCKS_ASSERT_OK(store_->write("quote", quote_batch(rows)));
  std::vector<QuoteRow> all = scan_all(*store_);
  ASSERT_EQ(all.size(), 6u);
  for (size_t index = 0; index < all.size(); ++index) EXPECT_EQ(all[index].volume, int64_t(index));
  std::vector<QuoteRow> page =
      scan_all(*store_, {.order = SortOrder::kDescending, .limit = 2, .offset = 1});
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].volume, 4);
  EXPECT_EQ(page[1].volume, 3);
  std::vector<QuoteRow> range = scan_all(*store_, {.range = {kDay0Open + 3000, kDay0Open + 9000}});
  ASSERT_EQ(range.size(), 2u);
  EXPECT_EQ(range[0].volume, 1);
}

TEST_F(StoreTest, SymbolAndTimeFiltersSelectSeriesAcrossDays) {
  std::vector<QuoteRow> rows = sample_rows();
  rows.push_back({"600519.SH", kDay0Open + kDay, 1'800'000, 5});
  MYSTOCKS_ASSERT_OK(store_->write("quote", quote_batch(rows)));
  MYSTOCKS_ASSERT_OK(store_->flush());
  EXPECT_EQ(scan_all(*store_, {.symbols = {"600519"}}).size(), 3u);  // spelling is canonicalised
  EXPECT_EQ(scan_all(*store_, {.symbols = {"600519.SH"}, .range = {kDay0Open + kDay, kDay0Open + 2 * kDay}})
                .size(),
            1u);
  EXPECT_EQ(store_->scan("quote", {.symbols = {"zzz"}}).status().code(), ErrorCode::kInvalidSymbol);
}

TEST_F(StoreTest, ReopenReplaysTheWalWhenTheStoreWasNotFlushed) {
  TsdbOptions options = fixture_.options();
  options.flush_on_close = false;
  store_.reset();
  store_ = fixture_.open(options);
  MYSTOCKS_ASSERT_OK(store_->write("quote", quote_batch(sample_rows())));
  store_.reset();  // like a crash: the rows are only in the WAL
  store_ = fixture_.open(options);
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(store_->recovery_report().rows, 4u);
  EXPECT_EQ(scan_all(*store_), sorted(sample_rows()));
  store_.reset();
  store_ = fixture_.open(options);  // the replayed rows were flushed during recovery
  EXPECT_EQ(store_->recovery_report().rows, 0u);
  EXPECT_EQ(scan_all(*store_), sorted(sample_rows()));
}

TEST_F(StoreTest, TornWalTailIsTruncatedAndReported) {
  TsdbOptions options = fixture_.options();
  options.flush_on_close = false;
  store_.reset();
  store_ = fixture_.open(options);
  MYSTOCKS_ASSERT_OK(store_->write("quote", quote_batch(sample_rows())));
  store_.reset();
  std::filesystem::path wal;
  for (const auto& entry : std::filesystem::directory_iterator(options.dir / "wal")) wal = entry.path();
  const auto size = std::filesystem::file_size(wal);
  {
    std::ofstream out(wal, std::ios::app | std::ios::binary);
    out << std::string("\x30\x00\x00\x00garbage", 11);  // half a record header and payload
  }
  store_ = fixture_.open(options);
  ASSERT_NE(store_, nullptr);
  const RecoveryReport& report = store_->recovery_report();
  ASSERT_EQ(report.torn_tails.size(), 1u);
  EXPECT_EQ(report.torn_tails[0].offset, size);
  EXPECT_EQ(report.torn_tails[0].dropped_bytes, 11u);
  EXPECT_NE(report.to_string().find("torn tail"), std::string::npos);
  EXPECT_EQ(scan_all(*store_), sorted(sample_rows()));
}

TEST_F(StoreTest, CorruptSegmentGivesDataLossNamingTheFileAndNeverCrashes) {
  MYSTOCKS_ASSERT_OK(store_->write("quote", quote_batch(sample_rows())));
  MYSTOCKS_ASSERT_OK(store_->flush());
  store_.reset();
  std::filesystem::path segment;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(fixture_.dir.path() / "tsdb" / "data")) {
    if (entry.path().extension() == ".seg") segment = entry.path();
  }
  ASSERT_FALSE(segment.empty());
  {
    std::fstream file(segment, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(40);
    file.put('\x7f');
  }
  store_ = fixture_.open();
  Result<RecordBatch> batch = store_->scan("quote", {});
  ASSERT_FALSE(batch.is_ok());
  EXPECT_EQ(batch.status().code(), ErrorCode::kDataLoss);
  EXPECT_NE(batch.status().message().find(segment.string()), std::string::npos)
      << batch.status().message();
}

TEST_F(StoreTest, DeleteRangeRemovesVisibleRowsInEveryLayerAndCountsThem) {
  MYSTOCKS_ASSERT_OK(store_->write("quote", quote_batch(sample_rows())));
  MYSTOCKS_ASSERT_OK(store_->flush());
  MYSTOCKS_ASSERT_OK(store_->write("quote", quote_batch({{"600519.SH", kDay0Open + 6000, 1, 1}})));
  Result<int64_t> removed =
      store_->delete_range("quote", {"600519.SH"}, {}, {kDay0Open + 1, kDay0Open + 10'000});
  ASSERT_TRUE(removed.is_ok()) << removed.status().to_string();
  EXPECT_EQ(*removed, 2);
  std::vector<QuoteRow> expected = sorted(sample_rows());
  expected.erase(expected.begin() + 3);
  EXPECT_EQ(scan_all(*store_), expected);
  MYSTOCKS_ASSERT_OK(store_->flush());
  EXPECT_EQ(scan_all(*store_), expected);
  MYSTOCKS_ASSERT_OK(store_->compact());
  EXPECT_EQ(scan_all(*store_), expected);
  // A later write to the deleted range is visible again.
  MYSTOCKS_ASSERT_OK(store_->write("quote", quote_batch({{"600519.SH", kDay0Open + 3000, 9, 9}})));
  EXPECT_EQ(scan_all(*store_, {.symbols = {"600519.SH"}}).size(), 2u);
}

TEST_F(StoreTest, RetentionDropsOldDaysOfTablesThatDeclareIt) {
  storage::TableSchema schema = quote_schema("recent");
  schema.retention_days = 2;
  MYSTOCKS_ASSERT_OK(store_->create_table(schema));
  for (int day = 0; day < 5; ++day) {
    MYSTOCKS_ASSERT_OK(store_->write("recent", quote_batch({{"600519.SH", kDay0Open + day * kDay, day, day}}, "recent")));
    MYSTOCKS_ASSERT_OK(store_->write("quote", quote_batch({{"600519.SH", kDay0Open + day * kDay, day, day}})));
    MYSTOCKS_ASSERT_OK(store_->flush());
  }
  Result<storage::RetentionReport> report = store_->apply_retention(kDay0Open + 4 * kDay + 1000);
  MYSTOCKS_ASSERT_OK(report.status());
  ASSERT_EQ(report->tables.size(), 1u);  // "quote" declares no retention
  EXPECT_EQ(report->tables[0].table, "recent");
  EXPECT_EQ(report->tables[0].rows, 3);  // days 0, 1 and 2
  EXPECT_EQ(report->tables[0].cutoff_ms, kDay0Open + 2 * kDay + 1000);
  Result<storage::RetentionReport> again = store_->apply_retention(kDay0Open + 4 * kDay + 1000);
  MYSTOCKS_ASSERT_OK(again.status());
  EXPECT_TRUE(again->tables.empty());
  MYSTOCKS_ASSERT_OK(store_->flush());
  Result<RecordBatch> recent = store_->scan("recent", {});
  ASSERT_TRUE(recent.is_ok());
  ASSERT_EQ(recent->num_rows(), 2u);  // days 3 and 4 are within 2 days of now
  EXPECT_EQ(scan_all(*store_).size(), 5u);
  Result<storage::TableStats> stats = store_->stats("recent");
  ASSERT_TRUE(stats.is_ok());
  EXPECT_EQ(stats->rows, 2);
}

TEST_F(StoreTest, ScheduledRetentionRunsOnItsOwnAndCountsWhatItRemoved) {
  store_.reset();
  TsdbOptions options = fixture_.options();
  options.retention_interval_ms = 20;
  store_ = fixture_.open(options);
  ASSERT_NE(store_, nullptr);
  storage::TableSchema schema = quote_schema("recent");
  schema.retention_days = 2;
  MYSTOCKS_ASSERT_OK(store_->create_table(schema));
  for (int day = 0; day < 5; ++day) {
    MYSTOCKS_ASSERT_OK(store_->write("recent", quote_batch({{"600519.SH", kDay0Open + day * kDay, day, day}}, "recent")));
  }
  Counter& counted = fixture_.metrics.counter("tsdb_retention_rows_removed_total", "rows removed by table retention", {"table"}).with({"recent"});
  fixture_.clock.set_ms(kDay0Open + 4 * kDay + 1000);  // days 0, 1 and 2 are now too old
  // The rows go before the run counts them, so wait for both (the count came late once).
  const bool removed = mystocks::test::poll_until(std::chrono::milliseconds(10'000), [&] {
    Result<RecordBatch> rows = store_->scan("recent", {});
    return rows.is_ok() && rows->num_rows() == 2 && counted.value() >= 3.0;
  }, std::chrono::milliseconds(5));
  ASSERT_TRUE(removed) << "rows removed counted: " << counted.value();
  EXPECT_EQ(counted.value(), 3.0);
}

TEST_F(StoreTest, LatestReturnsTheNewestRowPerSymbolAndFollowsWritesAndDeletes) {
  MYSTOCKS_ASSERT_OK(store_->write("quote", quote_batch(sample_rows())));
  MYSTOCKS_ASSERT_OK(store_->flush());
  Result<RecordBatch> latest = store_->latest("quote", {});
  ASSERT_TRUE(latest.is_ok()) << latest.status().to_string();
  std::vector<QuoteRow> expected = {sorted(sample_rows())[1], sorted(sample_rows())[3]};
  EXPECT_EQ(quote_rows(*latest), expected);
  const QuoteRow newer{"600519.SH", kDay0Open + kDay, 5, 5};
  MYSTOCKS_ASSERT_OK(store_->write("quote", quote_batch({newer})));
  latest = store_->latest("quote", {"600519.SH"}, {"symbol", "ts", "price", "volume"});
  ASSERT_TRUE(latest.is_ok());
  EXPECT_EQ(quote_rows(*latest), (std::vector<QuoteRow>{newer}));
  ASSERT_TRUE(
      store_->delete_range("quote", {"600519.SH"}, {}, {kDay0Open + 1, kDay0Open + 2 * kDay})
          .is_ok());
  latest = store_->latest("quote", {"600519.SH"});
  ASSERT_TRUE(latest.is_ok());
  EXPECT_EQ(quote_rows(*latest), (std::vector<QuoteRow>{sorted(sample_rows())[2]}));
}

TEST_F(StoreTest, StatsCountRowsSeriesAndBytes) {
  MYSTOCKS_ASSERT_OK(store_->write("quote", quote_batch(sample_rows())));
  MYSTOCKS_ASSERT_OK(store_->flush());
  MYSTOCKS_ASSERT_OK(store_->write("quote", quote_batch({sample_rows()[0]})));  // a duplicate
  Result<storage::TableStats> stats = store_->stats("quote");
  ASSERT_TRUE(stats.is_ok()) << stats.status().to_string();
  EXPECT_EQ(stats->rows, 4);
  EXPECT_EQ(stats->series, 2);
  EXPECT_GT(stats->bytes_on_disk, 0);
  EXPECT_GT(stats->raw_bytes, 0);
  ASSERT_EQ(stats->columns.size(), 8u);
  EXPECT_EQ(stats->columns[2].name, "price");
  EXPECT_EQ(stats->columns[2].raw_bytes, 4 * 8);
  EXPECT_GT(stats->columns[2].bytes_on_disk, 0);
}

TEST_F(StoreTest, ReadOnlyOpenSeesEverythingAndRefusesWrites) {
  TsdbOptions options = fixture_.options();
  options.flush_on_close = false;
  store_.reset();
  store_ = fixture_.open(options);
  MYSTOCKS_ASSERT_OK(store_->write("quote", quote_batch(sample_rows())));
  TsdbOptions read_only = fixture_.options();
  read_only.read_only = true;
  std::unique_ptr<TsdbStore> reader = fixture_.open(read_only);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(scan_all(*reader), sorted(sample_rows()));
  EXPECT_EQ(reader->write("quote", quote_batch(sample_rows())).code(), ErrorCode::kFailedPrecondition);
}

TEST_F(StoreTest, SecondWriterOnTheSameDirectoryIsRefused) {
  Result<std::unique_ptr<TsdbStore>> second = TsdbStore::open(fixture_.options());
  ASSERT_FALSE(second.is_ok());
  EXPECT_EQ(second.status().code(), ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace mystocks::tsdb::test
