// order_by_key_time against the obvious model (a stable sort on (key, time)) over random rows:
// the bucketed implementation must give exactly the same permutation.
#include "sources/batch_ops.h"

#include <algorithm>
#include <numeric>

#include <gtest/gtest.h>

namespace mystocks::sources {
namespace {

TEST(BatchOpsTest, OrderByKeyTimeIsTheStableSortOnKeyThenTime) {
  auto schema = std::make_shared<const Schema>(std::vector<Field>{
      {.name = "symbol", .type = ColumnType::kString}, {.name = "ts", .type = ColumnType::kTimestamp}});
  uint64_t state = 7;
  auto next = [&] { return state = state * 6364136223846793005ULL + 1442695040888963407ULL; };
  for (int round = 0; round < 20; ++round) {
    RecordBatchBuilder builder(schema);
    std::vector<std::string> keys;
    std::vector<int64_t> times;
    const size_t rows = 1 + (next() >> 54);  // up to 1024
    const uint64_t symbols = 1 + (next() >> 60);
    for (size_t row = 0; row < rows; ++row) {
      keys.push_back("S" + std::to_string((next() >> 33) % symbols));
      // Mostly increasing times with repeats and some going back, as several files give.
      times.push_back(static_cast<int64_t>(row / 3) - static_cast<int64_t>((next() >> 62) * 5));
      builder.append_string(0, keys.back());
      builder.append_int64(1, times.back());
    }
    Result<RecordBatch> batch = builder.finish();
    ASSERT_TRUE(batch.is_ok()) << batch.status().to_string();
    std::vector<uint32_t> expected(rows);
    std::iota(expected.begin(), expected.end(), 0);
    std::stable_sort(expected.begin(), expected.end(), [&](uint32_t a, uint32_t b) {
      if (keys[a] != keys[b]) return keys[a] < keys[b];
      return times[a] < times[b];
    });
    EXPECT_EQ(order_by_key_time(*batch, "symbol", "ts"), expected) << "round " << round;
    // Without a time column: by key only, ties in input order.
    std::vector<uint32_t> by_key(rows);
    std::iota(by_key.begin(), by_key.end(), 0);
    std::stable_sort(by_key.begin(), by_key.end(),
                     [&](uint32_t a, uint32_t b) { return keys[a] < keys[b]; });
    EXPECT_EQ(order_by_key_time(*batch, "symbol", "missing"), by_key) << "round " << round;
  }
}

TEST(BatchOpsTest, OrderingAndTakingAcrossBatchesEqualsConcatenatingFirst) {
  auto schema = std::make_shared<const Schema>(std::vector<Field>{
      {.name = "symbol", .type = ColumnType::kString},
      {.name = "ts", .type = ColumnType::kTimestamp},
      {.name = "volume", .type = ColumnType::kInt64, .nullable = true}});
  std::vector<RecordBatch> batches;
  for (int file = 0; file < 3; ++file) {  // one "file" per day, every symbol each second
    RecordBatchBuilder builder(schema);
    for (int second = 0; second < 4; ++second) {
      for (const char* symbol : {"600519.SH", "000001.SZ", "300750.SZ"}) {
        builder.append_string(0, symbol);
        builder.append_int64(1, file * 100 + second);
        if (file == 1 && second == 2) {
          builder.append_null(2);
        } else {
          builder.append_int64(2, file * 1000 + second);
        }
      }
    }
    Result<RecordBatch> batch = builder.finish();
    ASSERT_TRUE(batch.is_ok()) << batch.status().to_string();
    batches.push_back(std::move(*batch));
  }
  Result<RecordBatch> all = concat_batches(batches, schema);
  ASSERT_TRUE(all.is_ok());
  const std::vector<uint32_t> order = order_by_key_time(batches, "symbol", "ts");
  EXPECT_EQ(order, order_by_key_time(*all, "symbol", "ts"));
  Result<RecordBatch> taken = take_rows(batches, order, schema);
  ASSERT_TRUE(taken.is_ok()) << taken.status().to_string();
  const RecordBatch expected = take_rows(*all, order);
  ASSERT_EQ(taken->num_rows(), expected.num_rows());
  for (size_t column = 0; column < expected.num_columns(); ++column) {
    EXPECT_EQ(taken->column(column).values(), expected.column(column).values()) << column;
    EXPECT_EQ(taken->column(column).validity(), expected.column(column).validity()) << column;
  }
  EXPECT_EQ(taken->column("symbol")->as<std::string>().front(), "000001.SZ");
}

// The one-pass check that lets ordered batches skip the sort: true exactly when the stable sort
// would keep every row in place, across batch boundaries too.
TEST(BatchOpsTest, OrderedByKeyTimeIsTrueExactlyWhenTheSortKeepsTheOrder) {
  auto schema = std::make_shared<const Schema>(
      std::vector<Field>{{.name = "symbol", .type = ColumnType::kString},
                         {.name = "ts", .type = ColumnType::kTimestamp}});
  auto make = [&](const std::vector<std::pair<std::string, int64_t>>& rows) {
    RecordBatchBuilder builder(schema);
    for (const auto& [key, time] : rows) {
      builder.append_string(0, key);
      builder.append_int64(1, time);
    }
    return std::move(builder.finish()).value();
  };
  uint64_t state = 11;
  auto next = [&] { return state = state * 6364136223846793005ULL + 1442695040888963407ULL; };
  for (int round = 0; round < 200; ++round) {
    std::vector<std::pair<std::string, int64_t>> rows;
    const size_t count = 1 + (next() >> 58);
    for (size_t row = 0; row < count; ++row) {
      rows.emplace_back("S" + std::to_string((next() >> 33) % 4), (next() >> 33) % 6);
    }
    // Half the rounds sorted (ties included), so the true answer comes up often.
    if (round % 2 == 0) std::stable_sort(rows.begin(), rows.end());
    const size_t split = (next() >> 33) % (count + 1);
    const std::vector<RecordBatch> batches{
        make({rows.begin(), rows.begin() + static_cast<ptrdiff_t>(split)}),
        make({rows.begin() + static_cast<ptrdiff_t>(split), rows.end()})};
    const std::vector<uint32_t> order =
        order_by_key_time(std::span<const RecordBatch>(batches), "symbol", "ts");
    bool identity = true;
    for (uint32_t row = 0; row < order.size(); ++row) identity = identity && order[row] == row;
    EXPECT_EQ(ordered_by_key_time(batches, "symbol", "ts"), identity) << "round " << round;
  }
  // Keys decide before times; equal times keep their order; one row out of place is found.
  EXPECT_TRUE(ordered_by_key_time(
      std::vector<RecordBatch>{make({{"A", 5}, {"B", 1}}), make({{"B", 1}, {"B", 2}})}, "symbol",
      "ts"));
  EXPECT_FALSE(ordered_by_key_time(
      std::vector<RecordBatch>{make({{"A", 5}, {"B", 1}}), make({{"A", 6}})}, "symbol", "ts"));
  EXPECT_FALSE(
      ordered_by_key_time(std::vector<RecordBatch>{make({{"A", 5}, {"A", 4}})}, "symbol", "ts"));
}

}  // namespace
}  // namespace mystocks::sources
