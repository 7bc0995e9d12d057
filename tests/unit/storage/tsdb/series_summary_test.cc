// TsdbStore::summarize_series against a plain model: random writes (duplicates, out-of-order
// rows), deletes, flushes, compactions and reopenings, with the summaries asked for at random
// moments (so the catalog is built from segment indexes at different points and then kept up to
// date by writes and deletes). Rows, first and last time and the days holding rows must match
// the model exactly. Fixed seeds, so a failure reproduces.
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "storage/tsdb/table_reader.h"
#include "support/assert_status.h"
#include "unit/storage/tsdb/tsdb_model_util.h"

namespace mystocks::tsdb::test {
namespace {

const std::vector<std::string> kSymbols = {"000001.SZ", "300750.SZ", "600000.SH", "600519.SH"};

struct ModelSeries {
  std::set<int64_t> times;
};
using Model = std::map<std::string, ModelSeries>;

// The model tests' random source plus this test's timestamps and symbols.
class Random : public ModelRandom {
 public:
  using ModelRandom::ModelRandom;
  // A snapshot time on one of ten days (weekends included: the bitmap does not care).
  int64_t timestamp() { return kDay0Open + uniform(0, 9) * kDay + uniform(0, 4 * 1200) * 3000; }
  std::vector<std::string> symbols() { return pick(kSymbols); }
};

void check_summaries(TsdbStore& store, const Model& model, const std::vector<std::string>& symbols) {
  Result<std::vector<storage::SeriesSummary>> summaries = store.summarize_series("quote", symbols);
  ASSERT_TRUE(summaries.is_ok()) << summaries.status().to_string();
  std::vector<std::string> expected_symbols;
  for (const auto& [symbol, series] : model) {
    const bool wanted =
        symbols.empty() || std::find(symbols.begin(), symbols.end(), symbol) != symbols.end();
    if (wanted && !series.times.empty()) expected_symbols.push_back(symbol);
  }
  ASSERT_EQ(summaries->size(), expected_symbols.size());
  for (size_t index = 0; index < summaries->size(); ++index) {
    const storage::SeriesSummary& summary = (*summaries)[index];
    const ModelSeries& series = model.at(expected_symbols[index]);
    EXPECT_EQ(summary.symbol, expected_symbols[index]);
    EXPECT_EQ(summary.tags, std::vector<std::string>{expected_symbols[index]});
    EXPECT_EQ(summary.rows, static_cast<int64_t>(series.times.size())) << summary.symbol;
    EXPECT_EQ(summary.first_ms, *series.times.begin()) << summary.symbol;
    EXPECT_EQ(summary.last_ms, *series.times.rbegin()) << summary.symbol;
    std::set<int32_t> days;
    for (int64_t ts : series.times) days.insert(day_of(ts));
    EXPECT_EQ(summary.days, std::vector<int32_t>(days.begin(), days.end())) << summary.symbol;
  }
}

void run_property(uint64_t seed, bool background, int steps) {
  StoreFixture fixture;
  TsdbOptions options = churning_options(fixture, background);
  std::unique_ptr<TsdbStore> store = open_quote_store(fixture, options);
  ASSERT_NE(store, nullptr);
  Random random(seed);
  Model model;
  for (int step = 0; step < steps; ++step) {
    SCOPED_TRACE("seed " + std::to_string(seed) + " step " + std::to_string(step));
    const int64_t choice = random.uniform(0, 99);
    if (choice < 55) {
      // Mostly appends per symbol in time order (the usual ingest), sometimes anywhere.
      std::vector<QuoteRow> rows;
      const bool in_order = random.chance(0.6);
      const std::string symbol = kSymbols[static_cast<size_t>(random.uniform(0, 3))];
      const std::set<int64_t>& held = model[symbol].times;
      int64_t next = held.empty() ? random.timestamp() : *held.rbegin() + 3000;
      for (int64_t count = random.uniform(1, 80); count > 0; --count) {
        QuoteRow row;
        row.symbol = in_order ? symbol : kSymbols[static_cast<size_t>(random.uniform(0, 3))];
        row.ts = in_order ? next : random.timestamp();
        next += 3000 * random.uniform(1, 400);
        row.price = random.uniform(1000, 2000) * 10;
        rows.push_back(row);
      }
      MYSTOCKS_ASSERT_OK(store->write("quote", quote_batch(rows)));
      for (const QuoteRow& row : rows) model[row.symbol].times.insert(row.ts);
    } else if (choice < 67) {
      std::vector<std::string> symbols = random.symbols();
      const int64_t a = random.timestamp();
      const int64_t b = random.timestamp();
      const storage::TimeRange range{std::min(a, b), std::max(a, b) + random.uniform(0, kDay)};
      Result<int64_t> removed = store->delete_range("quote", symbols, {}, range);
      ASSERT_TRUE(removed.is_ok()) << removed.status().to_string();
      for (auto& [symbol, series] : model) {
        if (!symbols.empty() && std::find(symbols.begin(), symbols.end(), symbol) == symbols.end()) {
          continue;
        }
        series.times.erase(series.times.lower_bound(range.start),
                           series.times.lower_bound(range.end));
      }
    } else if (choice < 77) {
      MYSTOCKS_ASSERT_OK(store->flush());
    } else if (choice < 84) {
      MYSTOCKS_ASSERT_OK(store->compact());
    } else if (choice < 90) {
      options.flush_on_close = random.chance(0.5);
      store.reset();
      store = fixture.open(options);
      ASSERT_NE(store, nullptr);
    }
    if (random.chance(0.5)) {
      check_summaries(*store, model, random.chance(0.5) ? std::vector<std::string>{} : random.symbols());
      if (::testing::Test::HasFailure()) return;
    }
  }
  check_summaries(*store, model, {});
}

TEST(SeriesSummaryTest, MatchesTheModelWithInlineFlushes) { run_property(11, false, 150); }
TEST(SeriesSummaryTest, MatchesTheModelWithBackgroundFlushAndCompaction) {
  run_property(12, true, 150);
}
TEST(SeriesSummaryTest, MatchesTheModelOnAnotherSeed) { run_property(13, false, 150); }

TEST(SeriesSummaryTest, AppendsStayCurrentWithoutARecount) {
  StoreFixture fixture;
  std::unique_ptr<TsdbStore> store = fixture.open();
  ASSERT_NE(store, nullptr);
  MYSTOCKS_ASSERT_OK(store->create_table(quote_schema()));
  MYSTOCKS_ASSERT_OK(store->write("quote", quote_batch({{.symbol = "600519.SH", .ts = kDay0Open}})));
  Result<std::vector<storage::SeriesSummary>> first = store->summarize_series("quote", {});
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].last_write_ms, kDay0Open);  // the manual clock at the write
  fixture.clock.advance_ms(60'000);
  MYSTOCKS_ASSERT_OK(store->write(
      "quote", quote_batch({{.symbol = "600519.SH", .ts = kDay0Open + 2 * kDay}})));
  Result<std::vector<storage::SeriesSummary>> second = store->summarize_series("quote", {});
  ASSERT_TRUE(second.is_ok()) << second.status().to_string();
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ((*second)[0].rows, 2);
  EXPECT_EQ((*second)[0].days, (std::vector<int32_t>{day_of(kDay0Open), day_of(kDay0Open) + 2}));
  EXPECT_EQ((*second)[0].last_write_ms, kDay0Open + 60'000);
  // Unknown symbols are refused like in every other query.
  EXPECT_FALSE(store->summarize_series("quote", {"not-a-symbol"}).is_ok());
}

}  // namespace
}  // namespace mystocks::tsdb::test
