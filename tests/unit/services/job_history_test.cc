// JobHistory and a JobRunner with it: jobs survive a "restart" (a new runner over the same
// stores), a job left running by a dead process comes back failed as interrupted, ids continue
// after the stored ones, the table keeps only the newest jobs, and the symbols a job registered
// in the securities master are part of its record.
#include "services/job_history.h"

#include <gtest/gtest.h>

#include "services/job_json.h"
#include "services/job_runner.h"
#include "services/table_rows.h"
#include "unit/services/ingest_fixture.h"

namespace mystocks::services::test {
namespace {

class JobHistoryTest : public IngestTest {
 protected:
  std::unique_ptr<JobRunner> make_runner(JobHistory& history) {
    return std::make_unique<JobRunner>(
        *pipeline_,
        [this](const std::string&) -> Result<sources::IDataSource*> {
          return static_cast<sources::IDataSource*>(simulator_.get());
        },
        clock_, JobRunnerOptions{.queue_capacity = 8}, &history);
  }

  IngestJobSpec job() {
    IngestJobSpec spec = daily_spec({}, "2024-05-06", "2024-05-10");
    const sources::Universe& universe = simulator_->simulator()->universe();
    spec.all_symbols = false;
    spec.symbols = {universe.securities()[universe.sorted_securities()[0]].symbol};
    return spec;
  }
};

TEST_F(JobHistoryTest, FinishedJobsSurviveARestartAndIdsContinue) {
  std::string first_id;
  {
    JobHistory history(*data_, clock_, 100);
    auto runner = make_runner(history);
    MYSTOCKS_ASSERT_OK(runner->restore_history());
    Result<std::string> id = runner->submit(job());
    ASSERT_TRUE(id.is_ok()) << id.status().to_string();
    ASSERT_TRUE(runner->wait(*id, 30'000));
    first_id = *id;
  }
  JobHistory history(*data_, clock_, 100);
  auto restarted = make_runner(history);
  MYSTOCKS_ASSERT_OK(restarted->restore_history());
  Result<JobInfo> earlier = restarted->get(first_id);
  ASSERT_TRUE(earlier.is_ok()) << earlier.status().to_string();
  EXPECT_EQ(earlier->progress.state, JobState::kSucceeded);
  EXPECT_EQ(earlier->progress.rows_written, 5);
  EXPECT_EQ(earlier->source, "simulator");
  ASSERT_EQ(earlier->spec.symbols.size(), 1u);
  EXPECT_EQ(earlier->spec.symbols.front().to_string(), job().symbols.front().to_string());
  ASSERT_EQ(restarted->list().size(), 1u);
  EXPECT_EQ(restarted->cancel(first_id).code(), ErrorCode::kFailedPrecondition);

  Result<std::string> next = restarted->submit(job());
  ASSERT_TRUE(next.is_ok());
  EXPECT_EQ(job_number(*next), job_number(first_id) + 1);
  ASSERT_TRUE(restarted->wait(*next, 30'000));
  EXPECT_EQ(restarted->list().size(), 2u);
}

TEST_F(JobHistoryTest, AJobLeftRunningComesBackFailedAsInterrupted) {
  JobHistory history(*data_, clock_, 100);
  JobInfo running{.id = "job-000007", .spec = job(), .source = "simulator",
                  .description = job().describe(), .submitted_at_ms = clock_.now_ms()};
  running.progress.state = JobState::kRunning;
  running.progress.started_at_ms = clock_.now_ms();
  running.progress.rows_written = 3;
  MYSTOCKS_ASSERT_OK(history.record(running));

  auto runner = make_runner(history);
  MYSTOCKS_ASSERT_OK(runner->restore_history());
  Result<JobInfo> found = runner->get("job-000007");
  ASSERT_TRUE(found.is_ok()) << found.status().to_string();
  EXPECT_EQ(found->progress.state, JobState::kFailed);
  EXPECT_EQ(found->progress.error_code, ErrorCode::kAborted);
  EXPECT_NE(found->progress.error.find("interrupted"), std::string::npos) << found->progress.error;
  EXPECT_NE(found->progress.error.find("while it was running"), std::string::npos);
  EXPECT_EQ(found->progress.rows_written, 3);
  EXPECT_GT(found->progress.finished_at_ms, 0);
  // Stored as failed too, so the next start does not rewrite it again.
  Result<std::optional<JobInfo>> stored = history.find("job-000007");
  ASSERT_TRUE(stored.is_ok());
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ((*stored)->progress.state, JobState::kFailed);
  // The next id follows the stored one.
  Result<std::string> next = runner->submit(job());
  ASSERT_TRUE(next.is_ok());
  EXPECT_EQ(*next, "job-000008");
  ASSERT_TRUE(runner->wait(*next, 30'000));
}

TEST_F(JobHistoryTest, KeepsTheNewestJobsOnly) {
  JobHistory history(*data_, clock_, 2);
  for (int number = 1; number <= 3; ++number) {
    JobInfo done{.id = fmt::format("job-{:06}", number), .spec = job(), .source = "simulator",
                 .description = "d", .submitted_at_ms = clock_.now_ms()};
    done.progress.state = JobState::kSucceeded;
    done.progress.finished_at_ms = clock_.now_ms();
    MYSTOCKS_ASSERT_OK(history.record(done));
    clock_.advance_ms(1000);
  }
  Result<std::vector<JobInfo>> kept = history.newest(10);
  ASSERT_TRUE(kept.is_ok()) << kept.status().to_string();
  ASSERT_EQ(kept->size(), 2u);
  EXPECT_EQ((*kept)[0].id, "job-000003");
  EXPECT_EQ((*kept)[1].id, "job-000002");
  Result<std::optional<JobInfo>> dropped = history.find("job-000001");
  ASSERT_TRUE(dropped.is_ok());
  EXPECT_FALSE(dropped->has_value());
  EXPECT_EQ(*history.next_id(), "job-000004");
}

TEST_F(JobHistoryTest, RegisteredSymbolsAreInTheRecordAndTheJson) {
  JobHistory history(*data_, clock_, 100);
  auto runner = make_runner(history);
  MYSTOCKS_ASSERT_OK(runner->restore_history());
  Result<std::string> id = runner->submit(job());
  ASSERT_TRUE(id.is_ok());
  ASSERT_TRUE(runner->wait(*id, 30'000));
  const std::string symbol = job().symbols.front().to_string();
  Result<std::optional<JobInfo>> stored = history.find(*id);
  ASSERT_TRUE(stored.is_ok());
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ((*stored)->progress.registered_symbols, std::vector<std::string>{symbol});
  const boost::json::object json = job_info_json(**stored);
  ASSERT_EQ(json.at("registered_symbols").as_array().size(), 1u);
  EXPECT_EQ(json.at("registered_symbols").as_array()[0].as_string(), symbol);
  ASSERT_EQ(json.at("notes").as_array().size(), 1u);
  EXPECT_NE(std::string(json.at("notes").as_array()[0].as_string())
                .find("registered 1 symbol(s) not in the securities master as incomplete"),
            std::string::npos);
  // The master now lists it as inferred; a second job registers nothing more.
  LoadQuery query;
  query.symbols = {symbol};
  Result<RecordBatch> master = data_->load("symbols", query);
  ASSERT_TRUE(master.is_ok());
  ASSERT_EQ(master->num_rows(), 1u);
  EXPECT_EQ(master->column("inferred")->as<uint8_t>()[0], 1);
  EXPECT_EQ(string_at(*master, "name", 0), "");
  Result<std::string> again = runner->submit(job());
  ASSERT_TRUE(again.is_ok());
  ASSERT_TRUE(runner->wait(*again, 30'000));
  EXPECT_TRUE(runner->get(*again)->progress.registered_symbols.empty());
}

}  // namespace
}  // namespace mystocks::services::test
