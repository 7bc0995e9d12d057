// Concurrency: writer threads, reader threads and a flush/compact thread on one store, with the
// background thread running and group commit on. Readers check that they never see half a batch,
// that each series stays strictly ordered and that latest() never goes backwards. Run under ASan
// (the default test build) so races on memory show up as errors.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "support/assert_status.h"
#include "tsdb_test_util.h"

namespace mystocks::tsdb::test {
namespace {

constexpr int kWriters = 3;
constexpr int kSymbolsPerWriter = 2;
constexpr int kBatchesPerSymbol = 40;
constexpr int kRowsPerBatch = 50;

const char* kSymbolNames[] = {"000001.SZ", "000002.SZ", "600000.SH", "600519.SH", "300750.SZ",
                              "430047.BJ"};

TEST(StoreConcurrencyTest, ReadersSeeWholeBatchesWhileWritersFlushAndCompact) {
  StoreFixture fixture;
  TsdbOptions options = fixture.options();
  options.sync = SyncPolicy{SyncPolicy::Mode::kGroup, 1};
  options.memtable_bytes = 64 << 10;
  options.compaction_trigger = 2;
  std::unique_ptr<TsdbStore> store = fixture.open(options);
  ASSERT_NE(store, nullptr);
  MYSTOCKS_ASSERT_OK(store->create_table(quote_schema()));

  std::atomic<bool> writers_done{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int writer = 0; writer < kWriters; ++writer) {
    threads.emplace_back([&, writer] {
      for (int batch = 0; batch < kBatchesPerSymbol; ++batch) {
        for (int local = 0; local < kSymbolsPerWriter; ++local) {
          const std::string symbol = kSymbolNames[writer * kSymbolsPerWriter + local];
          std::vector<QuoteRow> rows;
          for (int row = 0; row < kRowsPerBatch; ++row) {
            const int64_t sequence = int64_t{batch} * kRowsPerBatch + row;
            rows.push_back({symbol, kDay0Open + sequence * 3000, 10'000 + sequence, batch, 0.5,
                            row, false, std::nullopt});
          }
          Status status = store->write("quote", quote_batch(rows));
          if (!status.is_ok()) {
            ADD_FAILURE() << status.to_string();
            ++failures;
          }
        }
      }
    });
  }
  threads.emplace_back([&] {
    int round = 0;
    while (!writers_done.load()) {
      Status status = (++round % 3 == 0) ? store->compact() : store->flush();
      if (!status.is_ok()) {
        ADD_FAILURE() << status.to_string();
        ++failures;
        return;
      }
    }
  });
  for (int reader = 0; reader < 2; ++reader) {
    threads.emplace_back([&] {
      std::map<std::string, int64_t> last_latest;
      while (!writers_done.load() && failures.load() == 0) {
        Result<RecordBatch> batch = store->scan("quote", {.columns = {"symbol", "ts", "volume", "trades"}});
        if (!batch.is_ok()) {
          ADD_FAILURE() << batch.status().to_string();
          ++failures;
          return;
        }
        const auto& symbols = batch->column(0).as<std::string>();
        const auto& ts = batch->column(1).as<int64_t>();
        const auto& batch_ids = batch->column(2).as<int64_t>();
        std::map<std::pair<std::string, int64_t>, int> batch_rows;
        for (size_t row = 0; row < ts.size(); ++row) {
          if (row > 0 && symbols[row] == symbols[row - 1] && ts[row] <= ts[row - 1]) {
            ADD_FAILURE() << "series " << symbols[row] << " out of order at row " << row;
            ++failures;
            return;
          }
          ++batch_rows[{symbols[row], batch_ids[row]}];
        }
        for (const auto& [key, count] : batch_rows) {
          if (count != kRowsPerBatch) {
            ADD_FAILURE() << "half a batch visible: " << key.first << " batch " << key.second << " has "
                          << count << " rows";
            ++failures;
            return;
          }
        }
        Result<RecordBatch> latest = store->latest("quote", {}, {"symbol", "ts"});
        if (!latest.is_ok()) {
          ADD_FAILURE() << latest.status().to_string();
          ++failures;
          return;
        }
        for (size_t row = 0; row < latest->num_rows(); ++row) {
          const std::string& symbol = latest->column(0).as<std::string>()[row];
          const int64_t newest = latest->column(1).as<int64_t>()[row];
          if (newest < last_latest[symbol]) {
            ADD_FAILURE() << "latest of " << symbol << " went back from " << last_latest[symbol]
                          << " to " << newest;
            ++failures;
            return;
          }
          last_latest[symbol] = newest;
        }
      }
    });
  }
  for (int writer = 0; writer < kWriters; ++writer) threads[static_cast<size_t>(writer)].join();
  writers_done.store(true);
  for (size_t index = kWriters; index < threads.size(); ++index) threads[index].join();
  ASSERT_EQ(failures.load(), 0);

  const size_t total = size_t{kWriters} * kSymbolsPerWriter * kBatchesPerSymbol * kRowsPerBatch;
  Result<RecordBatch> all = store->scan("quote", {});
  ASSERT_TRUE(all.is_ok());
  EXPECT_EQ(all->num_rows(), total);
  store.reset();
  store = fixture.open(options);
  ASSERT_NE(store, nullptr);
  all = store->scan("quote", {});
  ASSERT_TRUE(all.is_ok());
  EXPECT_EQ(all->num_rows(), total);
  MYSTOCKS_EXPECT_OK(store->check_health());
}

}  // namespace
}  // namespace mystocks::tsdb::test
