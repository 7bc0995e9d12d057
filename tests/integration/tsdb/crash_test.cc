// Crash test: a writer process (tsdb_crash_writer) is killed with SIGKILL at random points while
// it writes, deletes (some matching a tag), replaces, flushes and compacts; after each kill the
// store is reopened and must hold exactly the acknowledged operations (plus, possibly, the one in
// flight, which is atomic: all of it or none), pass a full checksum verification, and accept the
// next writer. The writer continues the same sequence on the same directory, so recovery after
// recovery is covered. Rounds: TSDB_CRASH_ROUNDS (default 20; scripts/tsdb_crash_soak.sh runs many
// more).
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>

#include <gtest/gtest.h>
#include <signal.h>

#include "crash_ops.h"
#include "storage/tsdb/store_check.h"
#include "storage/tsdb/tsdb_store.h"
#include "support/assert_status.h"
#include "support/child_process.h"
#include "support/deadline.h"
#include "support/temp_dir.h"

namespace mystocks::tsdb::crash {
namespace {

using std::chrono::milliseconds;

int64_t last_ack(const std::filesystem::path& output) {
  std::ifstream in(output);
  std::string line;
  int64_t last = -1;
  while (std::getline(in, line)) {
    if (line.starts_with("ACK ")) last = std::atoll(line.c_str() + 4);
  }
  return last;
}

Model store_contents(TsdbStore& store) {
  Result<RecordBatch> batch = store.scan("crash", {});
  EXPECT_TRUE(batch.is_ok()) << batch.status().to_string();
  return batch.is_ok() ? model_of(*batch) : Model{};
}

TEST(TsdbCrashTest, EveryAcknowledgedOperationSurvivesKillNine) {
  const char* rounds_env = std::getenv("TSDB_CRASH_ROUNDS");
  const int rounds = rounds_env != nullptr ? std::atoi(rounds_env) : 20;
  const char* seed_env = std::getenv("TSDB_CRASH_SEED");
  const uint64_t seed = seed_env != nullptr ? std::strtoull(seed_env, nullptr, 10) : 20240102;
  std::mt19937_64 random(seed);
  Result<mystocks::test::TempDir> dir = mystocks::test::TempDir::create("tsdb-crash-");
  MYSTOCKS_ASSERT_OK(dir.status());
  const std::filesystem::path store_dir = dir->path() / "tsdb";
  Model model;          // state after operations [0, next)
  int64_t next = 0;
  int torn_tails = 0;
  uint64_t rows_verified = 0;  // summed over rounds: each round compares every stored row
  for (int round = 0; round < rounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round) + " seed " + std::to_string(seed));
    const std::filesystem::path output = dir->path() / ("writer-" + std::to_string(round) + ".log");
    const char* policies[] = {"always", "group:2", "none"};
    const std::string policy = policies[round % 3];
    Result<mystocks::test::ChildProcess> writer = mystocks::test::ChildProcess::spawn(
        {.argv = {TSDB_CRASH_WRITER, store_dir.string(), std::to_string(next), policy}}, output);
    MYSTOCKS_ASSERT_OK(writer.status());
    // Let it get going (a random number of acknowledged operations), then a random extra delay.
    const int64_t wanted = next + static_cast<int64_t>(random() % 60) + 1;
    const bool progressed = mystocks::test::poll_until(milliseconds(60'000), [&] {
      return last_ack(output) >= wanted || !writer->is_running();
    }, milliseconds(2));
    ASSERT_TRUE(progressed) << mystocks::test::tail_of_file(output, 20);
    ASSERT_TRUE(writer->is_running()) << "writer exited: " << mystocks::test::tail_of_file(output, 20);
    std::this_thread::sleep_for(milliseconds(random() % 40));  // lands the kill anywhere
    writer->kill();
    const int64_t acked = last_ack(output);
    ASSERT_GE(acked, next - 1);

    Result<CheckReport> check = check_store(store_dir);
    MYSTOCKS_ASSERT_OK(check.status());
    ASSERT_TRUE(check->ok()) << check->errors.front();

    TsdbOptions options;
    options.dir = store_dir;
    options.sync.mode = SyncPolicy::Mode::kNone;
    options.metrics = nullptr;
    options.background_work = false;
    options.flush_on_close = false;
    Result<std::unique_ptr<TsdbStore>> store = TsdbStore::open(options);
    MYSTOCKS_ASSERT_OK(store.status());
    torn_tails += static_cast<int>((*store)->recovery_report().torn_tails.size());
    const Model found = store_contents(**store);
    rows_verified += found.size();

    // The store holds operations [0, acked] and maybe [acked + 1] (done but not yet reported).
    Model expected = model;
    for (int64_t index = next; index <= acked; ++index) apply(expected, index);
    Model with_next = expected;
    apply(with_next, acked + 1);
    if (found == expected) {
      next = acked + 1;
    } else {
      ASSERT_TRUE(found == with_next)
          << "store holds " << found.size() << " rows; acknowledged state has " << expected.size()
          << ", with the in-flight operation " << with_next.size() << " (acked through " << acked
          << ")";
      expected = std::move(with_next);
      next = acked + 2;
    }
    model = std::move(expected);
    Result<storage::TableStats> stats = (*store)->stats("crash");
    MYSTOCKS_ASSERT_OK(stats.status());
    EXPECT_EQ(stats->rows, static_cast<int64_t>(model.size()));
    // The series inventory counts the same rows per series (tag tombstones included).
    Result<std::vector<storage::SeriesSummary>> summaries = (*store)->summarize_series("crash", {});
    MYSTOCKS_ASSERT_OK(summaries.status());
    std::map<std::vector<std::string>, int64_t> per_series;
    for (const auto& [key, row] : model) ++per_series[{std::get<0>(key), std::get<1>(key)}];
    std::map<std::vector<std::string>, int64_t> summarized;
    for (const storage::SeriesSummary& summary : *summaries) {
      if (summary.rows > 0) summarized[summary.tags] = summary.rows;
    }
    EXPECT_EQ(summarized, per_series);
    MYSTOCKS_ASSERT_OK((*store)->check_health());
    if ((round + 1) % 10 == 0) {
      // Progress for long soaks, which may be stopped before their last round.
      std::cout << "crash test: round " << round + 1 << " of " << rounds << ", " << next
                << " operations, " << model.size() << " rows" << std::endl;
    }
  }
  std::cout << "crash test: " << rounds << " rounds, " << next << " operations, " << model.size()
            << " rows, " << rows_verified << " row comparisons, " << torn_tails
            << " torn WAL tails\n";
}

}  // namespace
}  // namespace mystocks::tsdb::crash
