// Shared setup of the tsdb model-based tests (store_property_test, series_summary_test): a
// seeded random source and a store on the quote table tuned to churn - tiny memtables, so
// flushes and compactions happen on their own between the random steps. Test-only.
#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "support/assert_status.h"
#include "unit/storage/tsdb/tsdb_test_util.h"

namespace mystocks::tsdb::test {

// A seeded random source (fixed seeds, so a failure reproduces).
class ModelRandom {
 public:
  explicit ModelRandom(uint64_t seed) : engine_(seed) {}
  int64_t uniform(int64_t low, int64_t high) {  // inclusive
    return std::uniform_int_distribution<int64_t>(low, high)(engine_);
  }
  bool chance(double probability) { return std::bernoulli_distribution(probability)(engine_); }
  // Each of `symbols` with probability 0.4 (possibly none: "every symbol" to the store).
  std::vector<std::string> pick(const std::vector<std::string>& symbols) {
    std::vector<std::string> out;
    for (const std::string& symbol : symbols) {
      if (chance(0.4)) out.push_back(symbol);
    }
    return out;
  }

 private:
  std::mt19937_64 engine_;
};

// Options that keep the store busy: a memtable of a few hundred rows, two frozen memtables at
// most, compaction of any day with two segments; background flush/compaction when asked.
inline TsdbOptions churning_options(StoreFixture& fixture, bool background) {
  TsdbOptions options = fixture.options();
  options.memtable_bytes = 8 << 10;
  options.max_frozen_memtables = 2;
  options.compaction_trigger = 2;
  options.background_work = background;
  return options;
}

// The store at `options` with the quote table created; nullptr (and a test failure) otherwise.
inline std::unique_ptr<TsdbStore> open_quote_store(StoreFixture& fixture,
                                                   const TsdbOptions& options) {
  std::unique_ptr<TsdbStore> store = fixture.open(options);
  if (store == nullptr) return nullptr;
  Status created = store->create_table(quote_schema());
  EXPECT_TRUE(created.is_ok()) << created.to_string();
  return created.is_ok() ? std::move(store) : nullptr;
}

}  // namespace mystocks::tsdb::test
