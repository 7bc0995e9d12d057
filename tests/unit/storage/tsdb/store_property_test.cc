// Property test: random writes (duplicates, out-of-order, nulls), deletes, flushes, compactions
// and reopenings against a plain std::map model; after every step random scans, latest,
// aggregations and stats must match the model exactly. Fixed seeds, so a failure reproduces.
#include <map>

#include <gtest/gtest.h>

#include "storage/tsdb/bucket.h"
#include "support/assert_status.h"
#include "unit/storage/tsdb/tsdb_model_util.h"

namespace mystocks::tsdb::test {
namespace {

using Key = std::pair<std::string, int64_t>;
using Model = std::map<Key, QuoteRow>;

const std::vector<std::string> kSymbols = {"000001.SZ", "300750.SZ", "430047.BJ", "600000.SH",
                                           "600519.SH"};

// The model tests' random source plus this test's timestamps and symbols.
class Random : public ModelRandom {
 public:
  using ModelRandom::ModelRandom;
  // A timestamp on one of four trading days, on 3-second snapshot boundaries plus jitter.
  int64_t timestamp() {
    const int64_t day = uniform(0, 3);
    const int64_t minute = uniform(-20, 260);  // some before the open and after the close
    const int64_t local = minute < 120 ? minute * 60'000 : 3'600'000 * 1 + 30 * 60'000 + minute * 60'000;
    return kDay0Open + day * kDay + local + uniform(0, 19) * 3000;
  }
  std::vector<std::string> symbols() { return pick(kSymbols); }
};

QuoteRow random_row(Random& random) {
  QuoteRow row;
  row.symbol = kSymbols[static_cast<size_t>(random.uniform(0, 4))];
  row.ts = random.timestamp();
  row.price = random.uniform(1000, 2000) * 10;
  row.volume = random.uniform(0, 50) * 100;
  if (random.chance(0.8)) row.ratio = static_cast<double>(random.uniform(-1000, 1000)) / 100.0;
  if (random.chance(0.7)) row.trades = static_cast<int32_t>(random.uniform(-5, 5000));
  if (random.chance(0.5)) row.halted = random.chance(0.5);
  if (random.chance(0.5)) row.note = random.chance(0.5) ? "auction" : "normal";
  return row;
}

bool in(const std::vector<std::string>& symbols, const std::string& symbol) {
  return symbols.empty() || std::find(symbols.begin(), symbols.end(), symbol) != symbols.end();
}

std::vector<QuoteRow> model_scan(const Model& model, const storage::ScanQuery& query) {
  std::map<std::string, std::vector<QuoteRow>> by_symbol;
  for (const auto& [key, row] : model) {
    if (in(query.symbols, key.first) && key.second >= query.range.start &&
        key.second < query.range.end) {
      by_symbol[key.first].push_back(row);
    }
  }
  std::vector<QuoteRow> out;
  for (auto& [symbol, rows] : by_symbol) {
    if (query.order == storage::SortOrder::kDescending) std::reverse(rows.begin(), rows.end());
    out.insert(out.end(), rows.begin(), rows.end());
  }
  const auto offset = std::min(out.size(), static_cast<size_t>(query.offset));
  out.erase(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(offset));
  if (query.limit >= 0 && out.size() > static_cast<size_t>(query.limit)) {
    out.resize(static_cast<size_t>(query.limit));
  }
  return out;
}

struct ModelBar {
  int64_t count = 0;
  int64_t first = 0, last = 0, min = INT64_MAX, max = INT64_MIN, sum = 0;
  int64_t ratio_count = 0;
  double ratio_sum = 0;
  std::optional<double> ratio_max;
};

void check_aggregate(TsdbStore& store, const Model& model, Random& random) {
  storage::AggregateQuery query;
  query.symbols = random.symbols();
  const int64_t intervals[] = {60'000, 300'000, 3'600'000, kDay};
  query.interval_ms = intervals[random.uniform(0, 3)];
  query.alignment = random.chance(0.7) ? storage::BucketAlignment::kTradingSession
                                       : storage::BucketAlignment::kEpoch;
  query.aggregates = {{"price", storage::AggregateFunction::kFirst, "open"},
                      {"price", storage::AggregateFunction::kMax, "high"},
                      {"price", storage::AggregateFunction::kMin, "low"},
                      {"price", storage::AggregateFunction::kLast, "close"},
                      {"volume", storage::AggregateFunction::kSum, "volume"},
                      {"ts", storage::AggregateFunction::kCount, "rows"},
                      {"ratio", storage::AggregateFunction::kAvg, "avg_ratio"},
                      {"ratio", storage::AggregateFunction::kMax, "max_ratio"}};
  Result<Bucketer> bucketer = Bucketer::make(query.interval_ms, query.alignment);
  ASSERT_TRUE(bucketer.is_ok());
  std::map<std::pair<std::string, int64_t>, ModelBar> bars;
  std::map<std::pair<std::string, int64_t>, int64_t> volumes;
  for (const auto& [key, row] : model) {
    if (!in(query.symbols, key.first)) continue;
    const int64_t bucket = bucketer->bucket_start(row.ts);
    if (bucket == Bucketer::kNoBucket) continue;
    ModelBar& bar = bars[{row.symbol, bucket}];
    if (bar.count == 0) bar.first = row.price;
    bar.last = row.price;
    bar.min = std::min(bar.min, row.price);
    bar.max = std::max(bar.max, row.price);
    bar.sum += row.volume;
    ++bar.count;
    if (row.ratio) {
      ++bar.ratio_count;
      bar.ratio_sum += *row.ratio;
      bar.ratio_max = std::max(bar.ratio_max.value_or(*row.ratio), *row.ratio);
    }
  }
  Result<RecordBatch> result = store.aggregate("quote", query);
  ASSERT_TRUE(result.is_ok()) << result.status().to_string();
  ASSERT_EQ(result->num_rows(), bars.size());
  size_t row = 0;
  for (const auto& [key, bar] : bars) {
    EXPECT_EQ(result->column("symbol")->as<std::string>()[row], key.first);
    EXPECT_EQ(result->column("ts")->as<int64_t>()[row], key.second);
    EXPECT_EQ(result->column("open")->as<int64_t>()[row], bar.first) << key.first << " " << key.second;
    EXPECT_EQ(result->column("high")->as<int64_t>()[row], bar.max);
    EXPECT_EQ(result->column("low")->as<int64_t>()[row], bar.min);
    EXPECT_EQ(result->column("close")->as<int64_t>()[row], bar.last);
    EXPECT_EQ(result->column("volume")->as<int64_t>()[row], bar.sum);
    EXPECT_EQ(result->column("rows")->as<int64_t>()[row], bar.count);
    EXPECT_EQ(result->column("avg_ratio")->is_null(row), bar.ratio_count == 0);
    if (bar.ratio_count > 0) {
      EXPECT_DOUBLE_EQ(result->column("avg_ratio")->as<double>()[row],
                       bar.ratio_sum / static_cast<double>(bar.ratio_count));
      EXPECT_EQ(result->column("max_ratio")->as<double>()[row], *bar.ratio_max);
    }
    ++row;
  }
}

void check_queries(TsdbStore& store, const Model& model, Random& random, const std::string& step) {
  SCOPED_TRACE(step);
  for (int query_index = 0; query_index < 3; ++query_index) {
    storage::ScanQuery query;
    query.symbols = random.symbols();
    if (random.chance(0.5)) {
      const int64_t a = random.timestamp();
      const int64_t b = random.timestamp();
      query.range = {std::min(a, b), std::max(a, b) + 1};
    }
    query.order = random.chance(0.3) ? storage::SortOrder::kDescending : storage::SortOrder::kAscending;
    if (random.chance(0.3)) query.limit = random.uniform(0, 30);
    if (random.chance(0.3)) query.offset = random.uniform(0, 30);
    Result<RecordBatch> result = store.scan("quote", query);
    ASSERT_TRUE(result.is_ok()) << result.status().to_string();
    ASSERT_EQ(quote_rows(*result), model_scan(model, query));
  }
  std::vector<std::string> symbols = random.symbols();
  std::vector<QuoteRow> expected_latest;
  std::map<std::string, QuoteRow> newest;
  for (const auto& [key, row] : model) {
    if (in(symbols, key.first)) newest[key.first] = row;
  }
  for (const auto& [symbol, row] : newest) expected_latest.push_back(row);
  Result<RecordBatch> latest = store.latest("quote", symbols);
  ASSERT_TRUE(latest.is_ok()) << latest.status().to_string();
  ASSERT_EQ(quote_rows(*latest), expected_latest);
  check_aggregate(store, model, random);
  Result<storage::TableStats> stats = store.stats("quote");
  ASSERT_TRUE(stats.is_ok()) << stats.status().to_string();
  ASSERT_EQ(stats->rows, static_cast<int64_t>(model.size()));
}

void run_property(uint64_t seed, bool background, int steps) {
  StoreFixture fixture;
  TsdbOptions options = churning_options(fixture, background);
  options.latest_cache_series = 1000;
  std::unique_ptr<TsdbStore> store = open_quote_store(fixture, options);
  ASSERT_NE(store, nullptr);
  Random random(seed);
  Model model;
  for (int step = 0; step < steps; ++step) {
    const int64_t choice = random.uniform(0, 99);
    std::string what;
    if (choice < 60) {
      std::vector<QuoteRow> rows;
      const int64_t count = random.uniform(1, 60);
      for (int64_t index = 0; index < count; ++index) {
        rows.push_back(index > 0 && random.chance(0.1) ? rows[static_cast<size_t>(random.uniform(0, index - 1))]
                                                       : random_row(random));
        if (random.chance(0.2)) rows.back().price += 10;  // a changed duplicate
      }
      MYSTOCKS_ASSERT_OK(store->write("quote", quote_batch(rows)));
      for (const QuoteRow& row : rows) model[{row.symbol, row.ts}] = row;
      what = "write " + std::to_string(rows.size());
    } else if (choice < 72) {
      std::vector<std::string> symbols = random.symbols();
      const int64_t a = random.timestamp();
      const int64_t b = random.timestamp();
      const storage::TimeRange range{std::min(a, b), std::max(a, b) + random.uniform(0, kDay)};
      int64_t expected = 0;
      for (auto it = model.begin(); it != model.end();) {
        if (in(symbols, it->first.first) && it->first.second >= range.start &&
            it->first.second < range.end) {
          it = model.erase(it);
          ++expected;
        } else {
          ++it;
        }
      }
      Result<int64_t> removed = store->delete_range("quote", symbols, {}, range);
      ASSERT_TRUE(removed.is_ok()) << removed.status().to_string();
      ASSERT_EQ(*removed, expected) << "step " << step;
      what = "delete";
    } else if (choice < 82) {
      MYSTOCKS_ASSERT_OK(store->flush());
      what = "flush";
    } else if (choice < 88) {
      MYSTOCKS_ASSERT_OK(store->compact());
      what = "compact";
    } else if (choice < 94) {
      options.flush_on_close = random.chance(0.5);
      store.reset();
      store = fixture.open(options);
      ASSERT_NE(store, nullptr);
      what = "reopen";
    } else {
      // Retention at a random "now": the table declares none, so nothing may change.
      Result<storage::RetentionReport> report = store->apply_retention(random.timestamp());
      MYSTOCKS_ASSERT_OK(report.status());
      ASSERT_TRUE(report->tables.empty());
      what = "retention";
    }
    check_queries(*store, model, random, "seed " + std::to_string(seed) + " step " +
                                             std::to_string(step) + " after " + what);
    if (::testing::Test::HasFatalFailure()) return;
  }
}

TEST(StorePropertyTest, MatchesTheModelWithInlineFlushes) { run_property(1, false, 150); }
TEST(StorePropertyTest, MatchesTheModelWithBackgroundFlushAndCompaction) { run_property(2, true, 150); }
TEST(StorePropertyTest, MatchesTheModelOnAnotherSeed) { run_property(3, false, 150); }

}  // namespace
}  // namespace mystocks::tsdb::test
