// LruCache bounds and eviction order, checked against a simple model (a recency-ordered list)
// under random operations; TableGenerations snapshots.
#include "cache/lru_cache.h"

#include <algorithm>
#include <list>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "cache/table_generations.h"

namespace mystocks::cache {
namespace {

using Cache = LruCache<std::string>;

Cache::Value value(std::string text) {
  return std::make_shared<const std::string>(std::move(text));
}

TEST(LruCacheTest, EvictsLeastRecentlyUsedWhenOverTheEntryBound) {
  Cache cache({.max_entries = 3, .max_bytes = 1000, .shards = 1});
  EXPECT_TRUE(cache.put("a", value("A"), 1).stored);
  cache.put("b", value("B"), 1);
  cache.put("c", value("C"), 1);
  ASSERT_NE(cache.get("a"), nullptr);  // a is now the most recent; b the coldest
  const auto result = cache.put("d", value("D"), 1);
  EXPECT_EQ(result.evicted, 1u);
  EXPECT_EQ(cache.get("b"), nullptr);
  EXPECT_EQ(cache.keys(), (std::vector<std::string>{"d", "a", "c"}));
  EXPECT_EQ(*cache.get("c"), "C");
}

TEST(LruCacheTest, EvictsUntilWithinTheByteBoundAndRefusesOversizedValues) {
  Cache cache({.max_entries = 100, .max_bytes = 10, .shards = 1});
  cache.put("a", value("A"), 4);
  cache.put("b", value("B"), 4);
  EXPECT_EQ(cache.bytes(), 8u);
  EXPECT_EQ(cache.put("c", value("C"), 7).evicted, 2u);  // 15 bytes: a goes (11), then b (7)
  EXPECT_EQ(cache.keys(), (std::vector<std::string>{"c"}));
  EXPECT_FALSE(cache.put("huge", value("H"), 11).stored);
  EXPECT_EQ(cache.get("huge"), nullptr);
  EXPECT_EQ(cache.bytes(), 7u);
}

TEST(LruCacheTest, ReplacingAKeyUpdatesItsChargeAndValue) {
  Cache cache({.max_entries = 10, .max_bytes = 100, .shards = 1});
  cache.put("a", value("old"), 10);
  const auto result = cache.put("a", value("new"), 20);
  EXPECT_EQ(result.evicted, 0u);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.bytes(), 20u);
  EXPECT_EQ(*cache.get("a"), "new");
}

TEST(LruCacheTest, EraseIfSameKeepsANewerValue) {
  Cache cache({.max_entries = 10, .max_bytes = 100, .shards = 1});
  cache.put("a", value("first"), 1);
  const Cache::Value first = cache.get("a");
  cache.put("a", value("second"), 1);
  EXPECT_FALSE(cache.erase_if_same("a", first.get()));
  EXPECT_EQ(*cache.get("a"), "second");
  EXPECT_TRUE(cache.erase_if_same("a", cache.get("a").get()));
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(*first, "first");  // a reader keeps its value alive after removal
}

// Property: for random get/put/erase sequences, one shard behaves exactly like the model.
TEST(LruCacheTest, MatchesAModelUnderRandomOperations) {
  struct Item {
    std::string key;
    std::string value;
    size_t charge;
  };
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    std::mt19937 random(seed);
    const size_t max_entries = 1 + random() % 8;
    const size_t max_bytes = 5 + random() % 40;
    Cache cache({.max_entries = max_entries, .max_bytes = max_bytes, .shards = 1});
    std::list<Item> model;  // front = most recent
    auto find = [&](const std::string& key) {
      return std::find_if(model.begin(), model.end(),
                          [&](const Item& item) { return item.key == key; });
    };
    for (int step = 0; step < 2000; ++step) {
      const std::string key = "k" + std::to_string(random() % 12);
      const int op = static_cast<int>(random() % 10);
      if (op < 5) {
        Cache::Value got = cache.get(key);
        auto found = find(key);
        ASSERT_EQ(got != nullptr, found != model.end()) << "seed " << seed << " step " << step;
        if (got != nullptr) {
          ASSERT_EQ(*got, found->value);
          model.splice(model.begin(), model, found);
        }
      } else if (op < 9) {
        const size_t charge = 1 + random() % 12;
        const std::string text = key + "@" + std::to_string(step);
        const auto result = cache.put(key, value(text), charge);
        if (auto found = find(key); found != model.end()) model.erase(found);
        size_t evicted = 0;
        if (charge <= max_bytes) {
          model.push_front({key, text, charge});
          auto bytes = [&] {
            size_t total = 0;
            for (const Item& item : model) total += item.charge;
            return total;
          };
          while (model.size() > max_entries || bytes() > max_bytes) {
            model.pop_back();
            ++evicted;
          }
        }
        ASSERT_EQ(result.stored, charge <= max_bytes);
        ASSERT_EQ(result.evicted, evicted) << "seed " << seed << " step " << step;
      } else {
        Cache::Value current = cache.get(key);
        auto found = find(key);
        if (found != model.end()) model.splice(model.begin(), model, found);
        if (current != nullptr) {
          ASSERT_TRUE(cache.erase_if_same(key, current.get()));
          model.erase(find(key));
        }
      }
      std::vector<std::string> keys;
      size_t bytes = 0;
      for (const Item& item : model) {
        keys.push_back(item.key);
        bytes += item.charge;
      }
      ASSERT_EQ(cache.keys(), keys) << "seed " << seed << " step " << step;
      ASSERT_EQ(cache.bytes(), bytes);
      ASSERT_LE(cache.size(), max_entries);
      ASSERT_LE(cache.bytes(), max_bytes);
    }
  }
}

TEST(LruCacheTest, ShardedCacheStaysWithinItsBoundsUnderConcurrentUse) {
  Cache cache({.max_entries = 64, .max_bytes = 4096, .shards = 8});
  std::vector<std::thread> threads;
  for (int thread_idx = 0; thread_idx < 4; ++thread_idx) {
    threads.emplace_back([&cache, thread_idx] {
      std::mt19937 random(static_cast<uint32_t>(thread_idx));
      for (int step = 0; step < 5000; ++step) {
        const std::string key = "k" + std::to_string(random() % 500);
        if (random() % 2 == 0) {
          cache.put(key, value(key), 1 + random() % 100);
        } else if (Cache::Value got = cache.get(key)) {
          ASSERT_EQ(*got, key);
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_LE(cache.size(), 64u);
  EXPECT_LE(cache.bytes(), 4096u);
}

TEST(TableGenerationsTest, ASnapshotIsCurrentUntilOneOfItsTablesIsBumped) {
  TableGenerations generations;
  const GenerationSnapshot daily = generations.snapshot({"daily_kline", "symbols"});
  EXPECT_TRUE(daily.current());
  EXPECT_EQ(generations.bump("tick"), 1u);
  EXPECT_TRUE(daily.current()) << "another table changed";
  generations.bump("symbols");
  EXPECT_FALSE(daily.current());
  EXPECT_EQ(generations.generation("symbols"), 1u);
  EXPECT_TRUE(generations.snapshot({"daily_kline", "symbols"}).current());
  EXPECT_TRUE(GenerationSnapshot().current()) << "no tables: nothing can make it stale";
}

}  // namespace
}  // namespace mystocks::cache
